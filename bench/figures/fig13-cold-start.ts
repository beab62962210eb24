/**
 * Figure 13: cold start with a backlog (issue 16; Signal-Desktop #5030, #7204). The app's account
 * database holds `cached` messages across `channels` channels, and `backlog` newer ones wait on the
 * server. The app starts as the browser host runs it (bench/app/app-host.ts: the real core in a Node
 * process, the real renderer in Chromium over HTTP, the bridge over a WebSocket) against the real server
 * (in this process, SQLite). Measured: the core's first answers from the cache, the catch-up of every
 * new message, the renderer's long tasks meanwhile (PerformanceObserver 'longtask') and the main
 * process's event-loop delay (monitorEventLoopDelay) from start to caught up; with RELAY_LOOP_FLOOR=on,
 * beside it the same histogram in a process that does nothing else (the floor row, no target).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import type { AppResult, OnCore, SplitReading } from '../app/app-host';
import { channelsOf, launchChromium, openWindow, spawnApp, startWorld } from '../app/open-app';
import { insertMessages, prepareUserData } from '../app/seed';
import { TARGETS_13_TO_15 } from '../config';
import { makeRow, type Row } from '../lib/result';
import { timeClickToPaint } from '../renderer/in-page';
import { rendererBuild, run, script, type TraceEvent } from '../renderer/page-tools';
import { taskCpu } from '../renderer/task-cpu';
import type { Bench } from './context';

/** A long animation frame, as much of it as says what ran (Chromium's `long-animation-frame`). */
interface LongFrame {
  startTime: number;
  duration: number;
  /** Where the frame's rendering (rAF callbacks, style, layout) began; 0 when it rendered nothing. */
  renderStart: number;
  scripts: { invoker: string; duration: number; forcedStyleAndLayoutDuration: number }[];
}

/**
 * Every long task (over 50 ms) the page runs, from its first script on (buffered); and what ran in
 * them: each long animation frame with its scripts' entry points (a WebSocket message from the bridge,
 * a scroll listener, a rAF callback) and its style and layout.
 */
function recordLongTasks(): void {
  const w = window as unknown as { __longTasks: { start: number; duration: number }[]; __frames: unknown[] };
  w.__longTasks = [];
  w.__frames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const f = e as unknown as LongFrame;
        w.__frames.push({
          startTime: f.startTime,
          duration: f.duration,
          renderStart: f.renderStart,
          scripts: f.scripts.map((x) => ({
            invoker: x.invoker,
            duration: x.duration,
            forcedStyleAndLayoutDuration: x.forcedStyleAndLayoutDuration,
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // A browser without it: the long tasks are counted all the same, only not explained.
  }
}

/** What ran in the long task `task`: the scripts of the long frame that holds it, and its rendering. */
function whatRan(task: { start: number; duration: number }, frames: LongFrame[]): string {
  const frame = frames.find((f) => f.startTime <= task.start + 1 && task.start < f.startTime + f.duration);
  if (!frame) return 'no long frame recorded for it';
  const scripts = frame.scripts
    .filter((x) => x.duration >= 1)
    .map(
      (x) =>
        `${x.invoker} ${x.duration.toFixed(0)} ms` +
        (x.forcedStyleAndLayoutDuration >= 1
          ? ` (forced layout ${x.forcedStyleAndLayoutDuration.toFixed(0)})`
          : ''),
    );
  const rendering = frame.renderStart > 0 ? frame.startTime + frame.duration - frame.renderStart : 0;
  return `${scripts.join(', ') || 'no script'}; the frame's rendering ${rendering.toFixed(0)} ms`;
}

/**
 * With --cpu-prof DIR: the page's JS profile from here on (the sampler costs frames, so only in a
 * profiling run), written to DIR/renderer/catch-up.cpuprofile by the function this returns.
 */
async function profilePage(page: Page, dir: string | null): Promise<() => Promise<void>> {
  if (!dir) return async () => {};
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    await mkdir(path.join(dir, 'renderer'), { recursive: true });
    await writeFile(path.join(dir, 'renderer', 'catch-up.cpuprofile'), JSON.stringify(profile));
    await cdp.detach();
  };
}

/**
 * With RELAY_RENDERER_TRACE=FILE: a Chromium trace of the browser from before the page's navigation to
 * caught up (every task with its CPU, what ran inside), written to FILE; read with
 * bench/renderer/trace-tasks.ts. Not by default: tracing costs the page's frames. With
 * RELAY_RENDERER_CPU=on instead, a trace of the tasks alone (`toplevel`, and `blink.user_timing` for
 * the navigation's start), written nowhere: the renderer's tasks' CPU beside their wall (the CPU row).
 * Either way, the trace's events.
 */
async function traceBrowser(
  browser: Browser,
  file: string | undefined,
): Promise<() => Promise<TraceEvent[] | null>> {
  const light = !file && process.env.RELAY_RENDERER_CPU === 'on';
  if (!file && !light) return async () => null;
  await browser.startTracing(undefined, {
    categories: light
      ? ['toplevel', 'blink.user_timing']
      : ['toplevel', 'devtools.timeline', 'v8', 'blink', 'disabled-by-default-devtools.timeline'],
  });
  return async () => {
    const trace = await browser.stopTracing();
    if (file) await writeFile(file, trace);
    const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
    return Array.isArray(parsed) ? parsed : parsed.traceEvents;
  };
}

/** The renderer's longest task's CPU beside its wall (no target), from a trace of the catch-up. */
function taskCpuRows(
  events: TraceEvent[] | null,
  shell: number,
  observed: { start: number; duration: number } | null,
): Row[] {
  const split = events && taskCpu(events, shell, observed);
  if (!split) return [];
  const f = (ms: number) => ms.toFixed(1);
  return [
    makeRow({
      name: "13. renderer: the longest task's CPU during catch-up",
      // No task over 50 ms to match: the trace's longest, as the row above reads 0.
      value: observed ? split.observedCpu : split.longestWallCpu,
      unit: 'ms',
      checks: [],
      note:
        (observed
          ? `the CPU of the task the row above counts (${split.observedCpu === null ? 'not found in the trace' : "the trace's task of its start and wall"}); `
          : "no task over 50 ms above: the CPU of the trace's longest; ") +
        `Chromium's trace (${process.env.RELAY_RENDERER_TRACE ? 'RELAY_RENDERER_TRACE' : 'RELAY_RENDERER_CPU=on: toplevel tasks only'}), ` +
        `the page's main thread after the channel list was painted: ${split.tasks} tasks; the longest by wall ${f(split.longestWall)} ms, ` +
        `${f(split.longestWallCpu)} ms of it on a core; the most CPU in one task ${f(split.longestCpu)} ms; ` +
        `tasks over 50 ms of wall ${split.overWall}, of CPU ${split.overCpu}`,
    }),
  ];
}

/** The main thread's share of a span: on a core, and waiting in the run queue for one (the box's load). */
function onCore({ ranMs, waitedMs }: OnCore): string {
  return `${ranMs.toFixed(0)} ms, waiting for one ${waitedMs.toFixed(0)} ms`;
}

/**
 * The split rows (no target): what the loop row's p99 is made of, from the main thread's schedstat at
 * each firing of a 1 ms timer (bench/app/loop-split.ts), and its time on a core and waiting over the span.
 */
function splitRows(t: NonNullable<AppResult['timings']>, caughtUp: number): Row[] {
  const sp: SplitReading | null = t.split;
  if (!sp) return [];
  const f = (ms: number) => ms.toFixed(1);
  const row = (name: string, value: number, note: string) =>
    makeRow({ name: `13. main loop: ${name}`, value, unit: 'ms', checks: [], note });
  const top = sp.top;
  const share = (ms: number) => `${((100 * ms) / Math.max(top.wallMs, 1e-9)).toFixed(0)} %`;
  const gaps =
    `${sp.gaps.toLocaleString('en-US')} gaps between firings of a 1 ms timer, core.start → ${t.complete ? 'caught up' : 'given up'}, ` +
    `each split by the main thread's schedstat; each column ranked on its own, nearest rank`;
  const cost =
    `the sampler: ${sp.firings.toLocaleString('en-US')} firings, ${sp.samplerCost.medianUs.toFixed(1)} µs a firing (median), ` +
    `${f(sp.samplerCost.totalMs)} ms of the main thread's wall in them all (with any wait inside)`;
  return [
    row(
      "a gap's time on the main thread's core, p99",
      sp.p99.ranOnCore,
      `${gaps}; the gap's wall p99 ${f(sp.p99.wall)} ms (the loop row's histogram reads each delay less the 1 ms interval); ${cost}`,
    ),
    row(
      "a gap's wait for a core, p99",
      sp.p99.waitedForCore,
      `the same gaps, the time the main thread was runnable in the run queue; blocked (neither on a core nor waiting: disk, locks, GC helpers) p99 ${f(sp.p99.blocked)} ms`,
    ),
    row(
      'a gap less its wait for a core, p99',
      sp.p99.withoutWait,
      `the gaps' wall less their wait: what the p99 would read had the thread been given a core at once; ` +
        `the top 1 % of gaps by wall (${top.count}, ${f(top.wallMs)} ms): on a core ${share(top.ranMs)}, waiting ${share(top.waitedMs)}, blocked ${share(top.blockedMs)}`,
    ),
    ...(t.mainOnCore
      ? [
          row(
            'the main thread on a core, core.start → caught up',
            t.mainOnCore.ranMs,
            `waiting for a core ${t.mainOnCore.waitedMs.toFixed(0)} ms, blocked ${Math.max(0, sp.total.blockedMs).toFixed(0)} ms of the ${t.caughtUpMs.toFixed(0)} ms; app process CPU ${(t.cpuMs / 1000).toFixed(1)} s (all threads)` +
              (caughtUp > 0
                ? `; ${((1000 * t.mainOnCore.ranMs) / caughtUp).toFixed(0)} µs on a core a caught-up message (start-up included)`
                : ''),
          ),
        ]
      : []),
  ];
}

export async function figure13(bench: Bench): Promise<Row[]> {
  const s = bench.options.scale.coldStart;
  const targets = TARGETS_13_TO_15.coldStart;
  const n = (x: number) => x.toLocaleString('en-US');
  bench.log(`figure 13: cold start, ${n(s.cached)} cached in ${s.channels} channels, ${n(s.backlog)} new`);
  const rendererDir = rendererBuild(bench);
  const { server, alice, bob, channelIds } = await startWorld('cold', s.channels);
  try {
    const cached = await insertMessages(server.store, {
      channelIds,
      total: s.cached,
      userId: bob.user.id,
      prefix: 'old ',
    });
    bench.log('figure 13: cached history on the server');
    const userData = bench.dataDir('app');
    await prepareUserData(userData, {
      serverUrl: server.url,
      login: alice,
      channels: await channelsOf(server.url, alice.token),
      messages: cached,
    });
    await insertMessages(server.store, { channelIds, total: s.backlog, userId: bob.user.id, prefix: 'new ' });
    bench.log('figure 13: cache and backlog written');

    const app = await spawnApp(bench, userData, await rendererDir);
    const browser = await launchChromium();
    try {
      const traced = await traceBrowser(browser, process.env.RELAY_RENDERER_TRACE);
      const { page, shell } = await openWindow(
        browser,
        app,
        { watch: { prefix: 'new ', count: s.backlog }, firstChannelId: channelIds[0]! },
        [script(recordLongTasks)],
      );
      const profiled = await profilePage(page, bench.options.cpuProf);
      const open = await run<number>(page, timeClickToPaint, {
        clickSelector: `[data-testid="channel-item"][data-channel-id="${channelIds[0]}"]`,
        doneSelector: '[data-testid="message"]',
        timeoutMs: 30_000,
      });
      // The app answers between two of its tasks: a catch-up that holds its event loop for long
      // stretches answers late, hence the runner's longer wait than the app's own 30 s.
      const started = await app.call<AppResult>('result', { timeoutMs: 30_000 }, 150_000);
      // The renderer's share of the catch-up: the events still in flight to the page, then a frame.
      await page.waitForTimeout(500);
      await profiled();
      const traceEvents = await traced();
      const tasks = await page.evaluate(
        () => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks,
      );
      const during = tasks.filter((t) => t.start >= shell);
      const frames = await page.evaluate(() => (window as unknown as { __frames: LongFrame[] }).__frames);
      const longestTask = during.reduce<(typeof during)[number] | null>(
        (max, t) => (max && max.duration >= t.duration ? max : t),
        null,
      );
      const longest = (list: typeof tasks) => list.reduce((max, t) => Math.max(max, t.duration), 0);
      const t = started.timings;
      const missing = s.backlog - started.seen;
      const scale = `${n(s.cached)} cached, ${n(s.backlog)} new`;
      return [
        makeRow({
          name: `13. cold start: channels + newest page from the cache (${scale})`,
          value: started.cacheMs,
          unit: 'ms',
          checks: [{ op: '<=', limit: targets.cacheMs, of: 'value' }],
          note:
            `core.start → listChannels + listMessages answered (${started.cachedMessages} messages)` +
            (started.cacheOnCore ? `, the main thread on a core ${onCore(started.cacheOnCore)}` : '') +
            '; ' +
            `in Chromium: navigation → channel list painted ${shell.toFixed(0)} ms, click → cached page painted ${open.toFixed(0)} ms`,
        }),
        makeRow({
          name: `13. cold start: every new message caught up (${scale})`,
          value: t?.caughtUpMs ?? null,
          unit: 'ms',
          checks: [{ op: '<=', limit: targets.catchUpMs, of: 'value' }],
          note:
            `from core.start; connected at ${t?.connectedMs?.toFixed(0) ?? '–'} ms; ` +
            `app process CPU ${t ? (t.cpuMs / 1000).toFixed(1) : '–'} s; ` +
            (missing > 0
              ? `gave up waiting: ${n(missing)} of ${n(s.backlog)} new messages NOT yet raised (the value is a lower bound)`
              : `all ${n(started.seen)} raised once each`),
        }),
        makeRow({
          name: '13. cold start: renderer longest task during catch-up',
          value: longest(during),
          unit: 'ms',
          checks: [{ op: '<=', limit: targets.longTaskMs, of: 'value' }],
          note:
            `${during.length} tasks over 50 ms after the channel list was painted (0 ms = none); ` +
            (longestTask ? `in the longest: ${whatRan(longestTask, frames)}; ` : '') +
            `the page's load before it: ${tasks.length - during.length}, longest ${longest(tasks.filter((x) => x.start < shell)).toFixed(0)} ms`,
        }),
        makeRow({
          name: '13. cold start: main-process event-loop delay p99',
          value: t?.loopDelayP99 ?? null,
          unit: 'ms',
          checks: [{ op: '<=', limit: targets.loopDelayP99Ms, of: 'value' }],
          note: t
            ? `monitorEventLoopDelay (1 ms resolution), core.start → ${t.complete ? 'caught up' : 'given up'}; p50 ${t.loopDelayP50.toFixed(1)} ms, max ${t.loopDelayMax.toFixed(0)} ms, ${n(t.loopDelaySamples)} samples` +
              (t.mainOnCore ? `; the main thread on a core ${onCore(t.mainOnCore)}` : '') +
              (t.floor ? `; the floor row beside it ${t.floor.p99.toFixed(1)} ms` : '')
            : 'no readings',
        }),
        ...taskCpuRows(traceEvents, shell, longestTask),
        ...(t ? splitRows(t, started.seen) : []),
        // With RELAY_LOOP_FLOOR=on (bench/app/app-host.ts; not by default: its 1 ms timer changes the
        // app's own reading on this box). No target: what a loop that runs nothing reads on this box
        // during the catch-up, so that the row above reads as the app's turns and waits over it (like
        // figure 16's floor row).
        ...(t?.floor
          ? [
              makeRow({
                name: '13. floor: event-loop delay p99 of a process that only keeps the timer, beside the catch-up',
                value: t.floor.p99,
                unit: 'ms',
                checks: [],
                note: `bench/app/loop-floor.mjs, forked by the app host, monitorEventLoopDelay (1 ms resolution) over the same span; p50 ${t.floor.p50.toFixed(1)} ms, max ${t.floor.max.toFixed(0)} ms, ${n(t.floor.samples)} samples`,
              }),
            ]
          : []),
      ];
    } finally {
      await browser.close();
    }
  } finally {
    await bench.stopAll();
    await server.close();
  }
}
