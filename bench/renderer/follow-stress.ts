/**
 * `npx tsx bench/renderer/follow-stress.ts DIR [DIR2 …] [--rounds N] [--seed S] [--same]`: a check, in real
 * Chromium, that the message list stays at its newest message while batches of new messages are
 * followed at the end, as a catch-up brings them (figure 13). Exits 1 if any round fails.
 *
 * Each DIR is a renderer build (`vite build --config vite.renderer.config.ts --outDir DIR`); with
 * several, rounds alternate between them. A round opens figure 7's stub's big channel at its newest
 * message, then raises 30 `messagesUpserted` batches whose sizes (1–80 messages), gaps (none to two
 * frames and more), rows (one line, 30 lines, an image whose thumbnail comes 0–400 ms later and is
 * 48–240 px tall) and window size (resized between 1280×800 and 900×520 mid-batch) come from a seeded
 * random plan. After every few batches, once nothing has moved for 200 ms and 3 frames, it asserts
 * what a reader must see: the list scrolled to its end, the newest message's row mounted and its
 * bottom inside the view (a 30-line row is taller than a small view), and no message mounted twice. It also counts rows mounted again after being unmounted
 * (work for nothing, not a failure: a resize may do it).
 *
 * Not part of `npm test`: a round takes several seconds (a longer mode, as the brief asks of heavy checks).
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { createRng } from '../../src-main/core/testing/chaos/prng';
import { serveStatic } from '../figures/fig7-renderer';
import { commandLine } from '../lib/args';
import { COLD_STUB, coldPage, openBigChannel, run } from './page-tools';

const BATCHES = 30;

type Step = {
  size: number;
  gapMs: number;
  /** Per message of the batch: 0 one line, 1 thirty lines, 2 an image. */
  kinds: number[];
  resize: boolean;
  check: boolean;
};

/** A deterministic plan for one round, from `seed` (the chaos tool's PRNG). */
export function plan(seed: number, batches = BATCHES): Step[] {
  const rng = createRng(seed);
  const rand = rng.next;
  const pick = rng.pick;
  const steps: Step[] = [];
  for (let i = 0; i < batches; i++) {
    const size = pick([1, 2, 3, 7, 13, 25, 25, 25, 40, 80]);
    const mix = pick(['plain', 'plain', 'long', 'images', 'mixed']);
    const kinds = Array.from({ length: size }, () =>
      mix === 'plain'
        ? 0
        : mix === 'long'
          ? rand() < 0.3
            ? 1
            : 0
          : mix === 'images'
            ? rand() < 0.4
              ? 2
              : 0
            : Math.floor(rand() * 3),
    );
    steps.push({
      size,
      gapMs: pick([0, 0, 4, 10, 16, 33, 60, 120, 250]),
      kinds,
      resize: rand() < 0.12,
      check: rand() < 0.3 || i === batches - 1,
    });
  }
  return steps;
}

type Seen = {
  ok: boolean;
  checks: number;
  /** Checks that found the view 3–48 px short of the end (still following). */
  near: number;
  failures: string[];
  mounted: number;
  again: number;
};

/** In the page: the plan's batches, and the checks after those that settle. */
function raisePlan(args: { first: number; steps: Step[] }): Promise<Seen> {
  const w = window as unknown as {
    __stubEmit: (name: string, payload: unknown) => void;
    __stubMessage: (seq: number) => { id: string; content: string; files?: unknown };
    __resize: () => Promise<void>;
  };
  const canvas = document.querySelector('.message-canvas')!;
  const scroller = document.querySelector<HTMLElement>('[data-testid="message-list"]')!;
  const keyOf = (n: Element) => n.querySelector('[data-key]')?.getAttribute('data-key') ?? '';
  let mounted = 0;
  const mounts = new Map<string, number>();
  const observer = new MutationObserver((records) => {
    for (const r of records)
      for (const n of r.addedNodes)
        if (n instanceof HTMLElement && n.classList.contains('virtual-row')) {
          mounted++;
          const key = keyOf(n);
          if (key) mounts.set(key, (mounts.get(key) ?? 0) + 1);
        }
  });
  observer.observe(canvas, { childList: true });
  const long = Array.from({ length: 30 }, (_, i) => `line ${i + 1} of a long message`).join('\n');
  const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  /** Nothing moved (offset, height, mounted rows) for 200 ms and at least 3 frames; at most 8 s. */
  const settle = async () => {
    const state = () =>
      `${scroller.scrollTop}|${scroller.scrollHeight}|${scroller.clientHeight}|${canvas.childElementCount}`;
    let last = state();
    let since = performance.now();
    let still = 0;
    const start = performance.now();
    while (performance.now() - start < 8_000) {
      await frame();
      await sleep(20);
      const now = state();
      if (now !== last) {
        last = now;
        since = performance.now();
        still = 0;
      } else if (++still >= 3 && performance.now() - since >= 200) return;
    }
  };
  const failures: string[] = [];
  let checks = 0;
  let near = 0;
  /** Before each batch: how far from the end the view was, and its height. */
  const trail: string[] = [];
  scroller.addEventListener('scroll', () => {
    const d = Math.round(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight);
    if (d > 48) trail.push(`s${d}`);
  });
  new ResizeObserver(() => trail.push(`R${scroller.clientHeight}`)).observe(scroller);
  let seq = args.first;
  const check = (at: number) => {
    checks++;
    const newest = w.__stubMessage(seq - 1).id;
    const row = document.querySelector(`[data-message-id="${newest}"]`);
    const fromEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    const view = scroller.getBoundingClientRect();
    const box = row?.getBoundingClientRect();
    const keys = [...canvas.children].map(keyOf).filter(Boolean);
    const doubled = keys.length - new Set(keys).size;
    const problems = [];
    // Within the list's own "at the bottom" threshold it still follows the next batch (a resize to a
    // smaller window leaves 5 px on the base too): counted, not a failure.
    if (fromEnd > 48) problems.push(`${Math.round(fromEnd)} px from the end`);
    else if (fromEnd > 2) near++;
    if (!box) problems.push('newest row not mounted');
    else if (box.bottom > view.bottom + 1 || box.bottom < view.top + 20)
      problems.push(
        `newest row at ${Math.round(box.top - view.top)}..${Math.round(box.bottom - view.top)} of ${Math.round(view.height)}`,
      );
    if (doubled > 0) problems.push(`${doubled} rows in the DOM twice`);
    if (problems.length)
      failures.push(
        `after batch ${at} (${canvas.childElementCount} rows mounted): ${problems.join(', ')}; px from the end before each batch: ${trail.join(' ')}`,
      );
  };
  return (async () => {
    for (const [i, step] of args.steps.entries()) {
      const batch = [];
      for (const kind of step.kinds) {
        const m = w.__stubMessage(seq++);
        if (kind === 1) m.content = `${long} #${seq - 1}`;
        if (kind === 2)
          m.files = [
            { id: m.id.replace(/^0{8}/, 'f1e00000'), name: 'picture.png', size: 1000, mime: 'image/png' },
          ];
        batch.push(m);
      }
      trail.push(
        `${i}:${Math.round(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight)}/${scroller.clientHeight}`,
      );
      w.__stubEmit('messagesUpserted', batch);
      if (step.resize) void w.__resize();
      if (step.check) {
        await settle();
        check(i);
      } else await sleep(step.gapMs);
    }
    observer.disconnect();
    const again = [...mounts.values()].reduce((sum, n) => sum + n - 1, 0);
    return { ok: failures.length === 0, checks, near, failures, mounted, again };
  })();
}

/** What a by-hand run can take out of the plan, to find which part a failure needs. */
type Variant = { every: boolean; resize: boolean; images: boolean; long: boolean };

function variantOf(steps: Step[], v: Variant): Step[] {
  return steps.map((s) => ({
    ...s,
    check: s.check || v.every,
    resize: s.resize && v.resize,
    kinds: s.kinds.map((k) => ((k === 2 && !v.images) || (k === 1 && !v.long) ? 0 : k)),
  }));
}

async function oneRound(browser: Browser, url: string, seed: number, variant: Variant): Promise<Seen> {
  const { context, page } = await coldPage(browser);
  await page.setViewportSize({ width: 1280, height: 800 });
  await thumbnails(page, seed);
  let small = false;
  await page.exposeFunction('__resize', async () => {
    small = !small;
    await page.setViewportSize(small ? { width: 900, height: 520 } : { width: 1280, height: 800 });
  });
  // At a load of 30 the cold page can take more than Playwright's default 30 s.
  await openBigChannel(page, url, 120_000);
  await page.waitForTimeout(500);
  const seen = await run<Seen>(page, raisePlan, {
    first: COLD_STUB.bigCount + 1,
    steps: variantOf(plan(seed), variant),
  });
  await context.close();
  return seen;
}

/** Thumbnails of 48–240 px tall, each 0–400 ms late (an SVG: the browser sizes it like a PNG). */
async function thumbnails(page: Page, seed: number): Promise<void> {
  let n = seed;
  await page.route('**/files/**', async (route) => {
    n = (n * 1103515245 + 12345) % 2147483648;
    const height = 48 + (n % 193);
    const width = 60 + ((n >> 8) % 300);
    await new Promise((resolve) => setTimeout(resolve, (n >> 4) % 400));
    await route.fulfill({
      status: 200,
      contentType: 'image/svg+xml',
      body: `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#8ab"/></svg>`,
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const cl = commandLine(args);
  const rounds = cl.number('--rounds', 10);
  const firstSeed = cl.number('--seed', 1);
  const variant: Variant = {
    every: args.includes('--every'),
    resize: !args.includes('--no-resize'),
    images: !args.includes('--no-images'),
    long: !args.includes('--no-long'),
  };
  const dirs = args.filter((a, i) => !a.startsWith('--') && !['--rounds', '--seed'].includes(args[i - 1]!));
  const servers = await Promise.all(dirs.map((d) => serveStatic(path.resolve(d))));
  const urls = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const failed = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    const seed = args.includes('--same') ? firstSeed : firstSeed + r;
    for (const [i, url] of urls.entries()) {
      const name = path.basename(dirs[i]!);
      const x = await oneRound(browser, url, seed, variant);
      console.log(
        `${name.padEnd(12)} seed ${String(seed).padStart(4)}  checks ${String(x.checks).padStart(2)} (near ${x.near})  mounted ${String(x.mounted).padStart(4)} (again ${String(x.again).padStart(3)})  ${x.ok ? 'ok' : 'FAILED'}`,
      );
      for (const f of x.failures) console.log(`    ${f}`);
      if (!x.ok) failed.set(name, (failed.get(name) ?? 0) + 1);
    }
  }
  await browser.close();
  for (const s of servers) s.close();
  for (const dir of dirs) {
    const name = path.basename(dir);
    console.log(`${name}: ${failed.get(name) ?? 0} of ${rounds} rounds failed`);
  }
  process.exitCode = failed.size > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) void main();
