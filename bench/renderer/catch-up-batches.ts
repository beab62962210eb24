/**
 * `npx tsx bench/renderer/catch-up-batches.ts DIR [DIR2 …] [--rounds N] [--trace] [--cpu-prof OUT]`: figure 13's renderer
 * side without the core: the big channel of figure 7's stub is opened at its newest message, then
 * 20 `messagesUpserted` batches of 25 new messages arrive, one every 120 ms, as the open channel's share
 * of a catch-up does (tail13: these batches are the renderer's long tasks). Each DIR is a renderer build
 * (`vite build --config vite.renderer.config.ts --outDir DIR`); with several, the rounds alternate
 * between them, so a loaded machine's minutes fall on each alike.
 *
 * Per round and build: the main thread's task time, script, style and layout over the 20 batches (CDP
 * `Performance.getMetrics`), the style recalcs and layouts, the rows mounted (a row is the list's
 * `.virtual-row`), and the longest main-thread task (wall and CPU, from a Chromium trace of the batches;
 * with --trace, what ran in the five longest; with --cpu-prof, the page's profile over the batches, one
 * file a round and build in OUT). What compares under load is the counts and the CPU.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, type CDPSession, chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
import { serveStatic } from '../figures/fig7-renderer';
import { COLD_STUB, coldPage, describeTask, type TraceEvent as Ev, openBigChannel, run } from './page-tools';

const BATCHES = 20;
const BATCH = 25;
const GAP_MS = 120;

/** In the page: the batches, one task each, and what they mounted. */
function raiseBatches(args: { first: number; batches: number; size: number; gapMs: number }): Promise<{
  mounted: number;
  again: number;
  atEnd: boolean;
  lastShown: boolean;
  perTask: number[];
}> {
  const w = window as unknown as {
    __stubEmit: (name: string, payload: unknown) => void;
    __stubMessage: (seq: number) => { id: string };
  };
  const canvas = document.querySelector('.message-canvas')!;
  let mounted = 0;
  /** Each row's mounts (a row mounted twice was unmounted in between: work done for nothing). */
  const mounts = new Map<string, number>();
  /** Rows mounted by each task that mounted any (the observer is called once after each such task). */
  const perTask: number[] = [];
  const observer = new MutationObserver((records) => {
    const before = mounted;
    for (const r of records)
      for (const n of r.addedNodes)
        if (n instanceof HTMLElement && n.classList.contains('virtual-row')) {
          mounted++;
          const key = n.querySelector('[data-key]')?.getAttribute('data-key') ?? n.textContent ?? '';
          mounts.set(key, (mounts.get(key) ?? 0) + 1);
        }
    if (mounted > before) perTask.push(mounted - before);
  });
  observer.observe(canvas, { childList: true });
  return new Promise((resolve) => {
    let i = 0;
    const next = () => {
      const batch = [];
      for (let k = 0; k < args.size; k++) batch.push(w.__stubMessage(args.first + i * args.size + k));
      w.__stubEmit('messagesUpserted', batch);
      i++;
      if (i < args.batches) return void setTimeout(next, args.gapMs);
      // The last batch's follow and measurement settle, then what the reader sees is checked.
      setTimeout(() => {
        observer.disconnect();
        const scroller = document.querySelector<HTMLElement>('[data-testid="message-list"]')!;
        const last = w.__stubMessage(args.first + args.batches * args.size - 1).id;
        const row = document.querySelector(`[data-message-id="${last}"]`);
        const atEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 2;
        const box = row?.getBoundingClientRect();
        const view = scroller.getBoundingClientRect();
        const again = [...mounts.values()].reduce((sum, n) => sum + n - 1, 0);
        resolve({
          mounted,
          again,
          atEnd,
          lastShown: !!box && box.bottom <= view.bottom + 1 && box.top >= view.top,
          perTask,
        });
      }, 500);
    };
    setTimeout(next, 0);
  });
}

type Metrics = Record<string, number>;

/** The `q` quantile of `values` (0 for none). */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function oneRound(browser: Browser, url: string, trace: boolean, profile: string | null) {
  const { context, page } = await coldPage(browser);
  await openBigChannel(page, url);
  await page.waitForTimeout(800);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const before = await metrics(cdp);
  await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'v8', 'blink'] });
  const seen = await run<{
    mounted: number;
    again: number;
    atEnd: boolean;
    lastShown: boolean;
    perTask: number[];
  }>(page, raiseBatches, {
    first: COLD_STUB.bigCount + 1,
    batches: BATCHES,
    size: BATCH,
    gapMs: GAP_MS,
  });
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents as Ev[];
  const after = await metrics(cdp);
  if (profile) {
    const { profile: p } = await cdp.send('Profiler.stop');
    await writeFile(profile, JSON.stringify(p));
  }
  const d = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  // The renderer's main thread: the one that ran the page's scripts.
  const fn = events.find((e) => e.name === 'FunctionCall' || e.name === 'EventDispatch');
  const mine = events.filter((e) => fn && e.pid === fn.pid && e.tid === fn.tid && e.ph === 'X');
  const tasks = mine
    .filter((e) => e.name === 'ThreadControllerImpl::RunTask')
    .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0));
  // The batches' own tasks (a timer here, a WebSocket message in the app), the frames' (the follow's
  // scroll event, rAF, style, layout, paint) and the others' (React's scheduled renders and effects,
  // idle callbacks): CPU summed and the longest of each, tasks over 1 ms of CPU.
  const inside = (t: Ev, name: string) =>
    mine.some((e) => e.name === name && e.ts >= t.ts && e.ts <= t.ts + (t.dur ?? 0));
  const kinds = { batch: [] as number[], frame: [] as number[], other: [] as number[] };
  for (const t of tasks) {
    if ((t.tdur ?? 0) < 1000) continue;
    if (inside(t, 'TimerFire')) kinds.batch.push((t.tdur ?? 0) / 1000);
    else if (inside(t, 'WebFrameWidgetImpl::BeginMainFrame')) kinds.frame.push((t.tdur ?? 0) / 1000);
    else kinds.other.push((t.tdur ?? 0) / 1000);
  }
  const held = await page.locator('[data-testid="message"]').count();
  await context.close();
  return {
    taskMs: d('TaskDuration') * 1000,
    scriptMs: d('ScriptDuration') * 1000,
    styleMs: d('RecalcStyleDuration') * 1000,
    layoutMs: d('LayoutDuration') * 1000,
    styles: d('RecalcStyleCount'),
    layouts: d('LayoutCount'),
    longestWall: (tasks[0]?.dur ?? 0) / 1000,
    longestCpu: (tasks[0]?.tdur ?? 0) / 1000,
    batchCpu: kinds.batch.reduce((a, b) => a + b, 0),
    batchMax: Math.max(0, ...kinds.batch),
    batchTasks: kinds.batch.length,
    batchP50: quantile(kinds.batch, 0.5),
    batchP90: quantile(kinds.batch, 0.9),
    frameCpu: kinds.frame.reduce((a, b) => a + b, 0),
    frameMax: Math.max(0, ...kinds.frame),
    otherCpu: kinds.other.reduce((a, b) => a + b, 0),
    otherMax: Math.max(0, ...kinds.other),
    over50: tasks.filter((t) => (t.dur ?? 0) > 50_000).length,
    top: trace
      ? tasks.slice(0, 5).map((t) => describeTask(t, mine, Math.min(...tasks.map((x) => x.ts))))
      : [],
    held,
    ...seen,
  };
}

async function main() {
  const args = process.argv.slice(2);
  const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 3) || 3;
  const trace = args.includes('--trace');
  const profileDir = args.includes('--cpu-prof') ? args[args.indexOf('--cpu-prof') + 1]! : null;
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const dirs = args.filter(
    (a, i) => !a.startsWith('--') && !['--rounds', '--cpu-prof'].includes(args[i - 1]!),
  );
  const servers = await Promise.all(dirs.map((d) => serveStatic(path.resolve(d))));
  const urls = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const f = (x: number) => x.toFixed(1).padStart(6);
  console.log(
    'build            round  task ms  script   style  layout  #style  #layout  mounted (again)  longest wall/cpu  >50  batches cpu (max)  frames cpu (max)  others cpu (max)  end  last',
  );
  for (let r = 0; r < rounds; r++) {
    for (const [i, url] of urls.entries()) {
      const x = await oneRound(
        browser,
        url,
        trace,
        profileDir ? path.join(profileDir, `${path.basename(dirs[i]!)}-${r}.cpuprofile`) : null,
      );
      console.log(
        `${path.basename(dirs[i]!).padEnd(16)} ${String(r).padStart(5)}  ${f(x.taskMs)}  ${f(x.scriptMs)}  ${f(x.styleMs)}  ${f(x.layoutMs)}  ${String(x.styles).padStart(6)}  ${String(x.layouts).padStart(7)}  ${`${x.mounted} (${x.again})`.padStart(10)}  ${f(x.longestWall)} / ${f(x.longestCpu)}  ${String(x.over50).padStart(3)}  ${f(x.batchCpu)} (${f(x.batchMax)})  ${f(x.frameCpu)} (${f(x.frameMax)})  ${f(x.otherCpu)} (${f(x.otherMax)})  ${x.atEnd ? 'yes' : 'NO '}  ${x.lastShown ? 'yes' : 'NO'}`,
      );
      console.log(
        `  batch tasks over 1 ms of CPU: ${x.batchTasks}, CPU p50 ${x.batchP50.toFixed(1)} / p90 ${x.batchP90.toFixed(1)} / max ${x.batchMax.toFixed(1)} ms`,
      );
      // How the rows were spread over tasks: the counts of rows each mounting task added, commonest first.
      const spread = new Map<number, number>();
      for (const n of x.perTask) spread.set(n, (spread.get(n) ?? 0) + 1);
      console.log(
        `  rows a task mounted (rows×tasks): ${[...spread]
          .sort((a, b) => b[1] - a[1] || b[0] - a[0])
          .map(([n, k]) => `${n}×${k}`)
          .join(' ')}`,
      );
      for (const line of x.top) console.log(line);
    }
  }
  await browser.close();
  for (const s of servers) s.close();
}
void main();
