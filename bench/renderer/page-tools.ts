/**
 * What the figures that drive the real renderer in Chromium share (7, 13, 14): the renderer's build
 * (once per run), scripts for the page, painting marks and the page's heap after a collection.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from '@playwright/test';
import { type Bench, Unavailable } from '../figures/context';
import { repoRoot } from '../lib/proc';
import { timeClickToPaint } from './in-page';
import { bigMessageId, type StubConfig, stubBridgeScript } from './stub-bridge';

const builds = new WeakMap<Bench, Promise<string>>();

/** A `vite build` of src-renderer into the run's temp folder, made once per run and shared. */
export function rendererBuild(bench: Bench): Promise<string> {
  let build = builds.get(bench);
  if (!build) {
    build = buildRenderer(bench);
    builds.set(bench, build);
  }
  return build;
}

async function buildRenderer(bench: Bench): Promise<string> {
  const outDir = path.join(bench.workDir, 'renderer');
  const vite = path.join(repoRoot, 'node_modules', '.bin', 'vite');
  try {
    await promisify(execFile)(
      vite,
      [
        'build',
        '--config',
        'vite.renderer.config.ts',
        '--outDir',
        outDir,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      { cwd: repoRoot, timeout: 180_000 },
    );
  } catch (error) {
    throw new Unavailable(`renderer build failed: ${(error as Error).message.split('\n')[0]}`);
  }
  return outDir;
}

/**
 * Records when the channel list is first painted, from navigation start (one more frame after the
 * frame that first holds it, then a task). With `rows` (figure 7), when the channel list and the open
 * channel's message rows are: the first frame a user can read the channel in. The app renders both in
 * one commit when the channel's page comes within its wait (store/channel-slice.ts), so over the stub
 * the two marks are the same frame; a build that painted the list before the rows would not be
 * credited with the list's frame.
 */
export function markShellPaint(arg: { rows?: boolean } | null): void {
  const w = window as unknown as { __shellPaint?: number };
  const selector = arg?.rows
    ? '[data-testid="channel-list"] [data-testid="channel-item"], [data-testid="message-list"] [data-testid="message"]'
    : '[data-testid="channel-list"] [data-testid="channel-item"]';
  const seen = () => {
    const found = document.querySelectorAll(selector);
    if (!arg?.rows) return found.length > 0;
    let list = false;
    let rows = false;
    for (const el of found) {
      if (el.matches('[data-testid="message"]')) rows = true;
      else list = true;
    }
    return list && rows;
  };
  const check = () => {
    if (seen()) {
      requestAnimationFrame(() => {
        const c = new MessageChannel();
        c.port1.onmessage = () => {
          w.__shellPaint ??= performance.now();
        };
        c.port2.postMessage(0);
      });
    } else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

/**
 * A function's source, called with `arg`, as a script for the page. tsx (esbuild, keepNames) wraps
 * functions in a `__name` helper that does not exist in the page: give it one.
 */
export function script(fn: (arg: never) => unknown, arg?: unknown): string {
  return `(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg ?? null)}); })()`;
}

export function run<T>(page: Page, fn: (arg: never) => T | Promise<T>, arg?: unknown): Promise<T> {
  return page.evaluate(script(fn, arg)) as Promise<T>;
}

export async function heapUsedMB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usedSize / 1024 / 1024;
}

/** Figure 7's stub world, as the by-hand tools load it (trace-cold-paint, trace-cold-timeline, prof-cold). */
export const COLD_STUB: StubConfig = {
  bigCount: 50_000,
  smallCount: 20,
  bigChannelId: '00000000-0000-4000-a000-0000000000b1',
  smallChannelId: '00000000-0000-4000-a000-0000000000a1',
};

/** A fresh context (empty cache) at 1280×800 with the stub bridge and the shell mark, and its page. */
export async function coldPage(browser: Browser, stub: StubConfig = COLD_STUB) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: stubBridgeScript(stub) });
  await context.addInitScript({ content: script(markShellPaint, { rows: true }) });
  return { context, page: await context.newPage() };
}

/**
 * Loads `url` in `page` and opens the stub's big channel at its newest message, as figure 13's open
 * channel is when its catch-up comes (catch-up-batches.ts, follow-stress.ts).
 */
export async function openBigChannel(page: Page, url: string, gotoTimeoutMs = 30_000): Promise<void> {
  await page.goto(url, { timeout: gotoTimeoutMs });
  await shellPaint(page);
  await page.waitForSelector('[data-testid="message"]');
  await run<number>(page, timeClickToPaint, {
    clickSelector: `[data-testid="channel-item"][data-channel-id="${COLD_STUB.bigChannelId}"]`,
    doneSelector: `[data-testid="message"][data-message-id="${bigMessageId(COLD_STUB.bigCount)}"]`,
    timeoutMs: 10_000,
  });
}

/** Waits for the shell mark (markShellPaint) and returns it: ms from navigation start. */
export async function shellPaint(page: Page): Promise<number> {
  await page.waitForFunction(() => (window as { __shellPaint?: number }).__shellPaint !== undefined);
  return page.evaluate(() => (window as unknown as { __shellPaint: number }).__shellPaint);
}

/** The page's renderer main thread in a trace: the thread-name event of `nav`'s process. */
export function pageMainThread(events: TraceEvent[], nav: TraceEvent): TraceEvent | undefined {
  return events.find(
    (e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === nav.pid,
  );
}

/** The complete events of `nav`'s main thread from its navigation start to `end` (µs, trace clock). */
export function mainThreadEvents(events: TraceEvent[], nav: TraceEvent, end: number): TraceEvent[] {
  const main = pageMainThread(events, nav);
  return events.filter(
    (e) =>
      e.pid === nav.pid &&
      e.tid === main?.tid &&
      e.ph === 'X' &&
      e.ts >= nav.ts &&
      e.ts + (e.dur ?? 0) <= end,
  );
}

/** A Chromium trace event, as much of it as the by-hand trace tools read. */
export type TraceEvent = {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    data?: { documentLoaderURL?: string; url?: string };
    /** Style and layout events: what they did, and (`disabled-by-default-devtools.timeline.stack`) who asked. */
    elementCount?: number;
    beginData?: {
      stackTrace?: { functionName: string; url: string; lineNumber: number }[];
      dirtyObjects?: number;
    };
  };
};

/** The trace category that gives each style recalc and layout forced by script its JS stack. */
export const STACK_CATEGORY = 'disabled-by-default-devtools.timeline.stack';

/**
 * The style recalcs (`UpdateLayoutTree`) and layouts inside `task` that did work (over `minUs` of CPU),
 * one line each: when (ms into the task), CPU, elements styled or objects laid out, and the script that
 * forced it (its innermost frames: function and line, in the unminified build). A forced read on a clean
 * tree leaves no such event, only a `Blink.ForcedStyleAndLayout.UpdateTime` of a few µs: counted apart.
 */
export function styleAndLayoutIn(task: TraceEvent, events: TraceEvent[], minUs = 100): string[] {
  const end = task.ts + (task.dur ?? 0);
  const inside = events.filter((e) => e.ts >= task.ts && e.ts <= end);
  const lines = inside
    .filter((e) => (e.name === 'UpdateLayoutTree' || e.name === 'Layout') && (e.tdur ?? 0) >= minUs)
    .map((e) => {
      const what = e.args?.elementCount ?? e.args?.beginData?.dirtyObjects ?? '';
      const stack = (e.args?.beginData?.stackTrace ?? [])
        .slice(0, 3)
        .map((f) => `${f.functionName || '(anonymous)'}:${f.lineNumber}`)
        .join(' < ');
      const at = ((e.ts - task.ts) / 1000).toFixed(1).padStart(7);
      return `    ${at} ${e.name.padEnd(16)} cpu ${((e.tdur ?? 0) / 1000).toFixed(1).padStart(5)}  ${String(what).padStart(4)}  ${stack || '(the frame)'}`;
    });
  const forced = inside.filter((e) => e.name === 'Blink.ForcedStyleAndLayout.UpdateTime');
  const forcedCpu = forced.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000;
  lines.push(`    forced by script: ${forced.length} calls, ${forcedCpu.toFixed(1)} ms CPU in all`);
  return lines;
}

/**
 * One main-thread task of a trace as the by-hand timelines print it: start (ms from `originTs`), wall,
 * CPU, and the six heaviest events inside it (`events`: the same thread's complete events) of those
 * longer than `minUs`.
 */
export function describeTask(task: TraceEvent, events: TraceEvent[], originTs: number, minUs = 300): string {
  const inner = new Map<string, number>();
  for (const e of events)
    if (
      e !== task &&
      e.ts >= task.ts &&
      e.ts + (e.dur ?? 0) <= task.ts + (task.dur ?? 0) &&
      !/RunTask|mojo|SimpleWatcher/.test(e.name) &&
      (e.dur ?? 0) > minUs
    )
      inner.set(e.name, (inner.get(e.name) ?? 0) + (e.tdur ?? e.dur ?? 0));
  const desc = [...inner]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([n, v]) => `${n} ${(v / 1000).toFixed(1)}`)
    .join(', ');
  const ms = (us: number, digits: number, pad: number) => (us / 1000).toFixed(digits).padStart(pad);
  return `  @${ms(task.ts - originTs, 0, 5)} wall ${ms(task.dur ?? 0, 1, 6)} cpu ${ms(task.tdur ?? 0, 1, 6)}  ${desc}`;
}

/** The by-hand tools' `--loads N` (taken out of `args`, so what is left are the build folders), else `fallback`. */
export function takeLoads(args: string[], fallback: number): number {
  const at = args.indexOf('--loads');
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
}
