/**
 * One app instance as the browser host runs it (src-main/web: the core in this Node process, the
 * renderer served over HTTP to Chromium, the bridge over a WebSocket), on a user data folder the runner
 * prepared (session, settings, account database), driven over IPC. This process is the app's "main
 * process": its event-loop delay and RSS are the main process's. Figures 13 and 14.
 *
 * argv: USER_DATA RENDERER_DIR
 */
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createCore } from '../../src-main/core/create-core';
import { onEachMessage } from '../../src-main/core/event-batch';
import {
  createFileSecretStore,
  createFileSettingsStore,
  DEFAULT_SETTINGS,
  systemClock,
  warmFetch,
} from '../../src-main/core/node-ports';
import { startWebHost, type WebHost } from '../../src-main/web/host';
import type { MessageView } from '../../src-shared/bridge';
import { collectGarbage, emitEvent, serve } from '../lib/serve';
import { type LoopSampler, startLoopSampler } from './loop-sampler';
import { type LoopSplit, splitGaps } from './loop-split';

/** What `result` answers. */
/** Of a span's wall time, the ms the main thread ran on a core and waited in the run queue for one. */
export interface OnCore {
  ranMs: number;
  waitedMs: number;
}

/** A do-nothing process's event-loop delay over a span, in ms. */
export interface LoopFloor {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

/** The loop's gaps split (bench/app/loop-split.ts), and what the sampler that read them cost. */
export interface SplitReading extends LoopSplit {
  firings: number;
  /** The main thread's wall time in the sampler's callbacks: summed (ms), and a firing's median (µs). */
  samplerCost: { totalMs: number; medianUs: number };
}

export interface AppResult {
  cacheMs: number | null;
  /** From start to cacheMs (Linux; else null): a slow row is the app's own work or the scheduler's. */
  cacheOnCore: OnCore | null;
  cachedMessages: number;
  seen: number;
  timings: {
    complete: boolean;
    connectedMs: number | null;
    caughtUpMs: number;
    loopDelayP50: number;
    loopDelayP99: number;
    loopDelayMax: number;
    /** How many timer firings the histogram holds: its p99 is the top 1 % of these. */
    loopDelaySamples: number;
    /** The process's CPU time (user + system) over the same span: beside the wall time on a shared box. */
    cpuMs: number;
    /** The main thread alone over the same span (Linux; else null). */
    mainOnCore: OnCore | null;
    /**
     * The same histogram in a process beside this one that does nothing else (bench/app/loop-floor.mjs),
     * over the same span: the scheduler's share of the delay. Null if it did not answer.
     */
    floor: LoopFloor | null;
    /** Linux; else null. */
    split: SplitReading | null;
  } | null;
}

const [userData, rendererDir] = process.argv.slice(2);
if (!userData || !rendererDir) throw new Error('usage: app-host.ts USER_DATA RENDERER_DIR');

const core = createCore({
  notifier: { show() {} },
  secrets: createFileSecretStore(userData),
  settings: createFileSettingsStore(userData, DEFAULT_SETTINGS),
  clock: systemClock,
  paths: { userData },
  openExternal: async () => {},
});
let host: WebHost | undefined;
let started: Promise<void> | undefined;
let t0 = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
/**
 * The main thread's time on a core and waiting in the run queue for one, in ns so far (Linux's
 * /proc schedstat; null elsewhere). Bench figure 13 on a shared box: the cache row read 92 ms in one
 * run and 812 ms in the next with the main thread on a core 52 and 82 ms of them, the rest waiting.
 */
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
function schedstat(): [number, number] | null {
  try {
    const [ran, waited] = readFileSync(SCHEDSTAT, 'latin1').split(' ');
    return [Number(ran), Number(waited)];
  } catch {
    return null;
  }
}
function onCoreBetween(from: [number, number] | null, to: [number, number] | null): OnCore | null {
  if (!from || !to) return null;
  const round = (ns: number) => Math.round(ns / 1e5) / 10;
  return { ranMs: round(to[0] - from[0]), waitedMs: round(to[1] - from[1]) };
}

/**
 * The main thread's schedstat at each firing of a 1 ms timer from start to caught up (bench/app/
 * loop-sampler.ts), split per gap into on a core / waiting for one / blocked (loop-split.ts): figure 13's
 * split rows, every run. RELAY_LOOP_GAPS=FILE also writes every gap of 15 ms or more to FILE as [from, to,
 * ran, waited]: from and to in µs of the monotonic clock a --cpu-prof profile's timestamps use, ran and
 * waited in ms; to read against the profile (bench/loop-gaps.mjs).
 */
const gapsFile = process.env.RELAY_LOOP_GAPS;
let sampler: LoopSampler | null = null;
function loopSplitNow(): SplitReading | null {
  if (!sampler) return null;
  sampler.stop();
  const gaps = sampler.gaps();
  if (gapsFile) {
    const long = gaps.filter((g) => g.wallMs >= 15);
    const us = (ms: number) => Math.round(ms * 1000);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    writeFileSync(
      gapsFile,
      JSON.stringify(
        long.map((g) => [us(g.fromMs), us(g.fromMs + g.wallMs), round(g.ranMs), round(g.waitedMs)]),
      ),
    );
  }
  const split = splitGaps(gaps);
  return split && { ...split, firings: sampler.firings(), samplerCost: sampler.cost() };
}
const ms = (ns: number) => ns / 1e6;

/**
 * The floor (bench/app/loop-floor.mjs), with RELAY_LOOP_FLOOR=on only: forked now, idle until `start`,
 * so its own start-up is outside the span. Not by default: on this (virtual, shared) box, at loads
 * 14-21, a process beside the app that wakes every 1 ms made the app itself wait far less for a core
 * (BENCHMARKS.md, loop22: the catch-up 2.3-3.1x faster, the loop's p99 2.3-7.9x lower in the same
 * tree; not seen at load 7), so with it the figure's own rows may read something else than the app.
 */
const floor =
  process.env.RELAY_LOOP_FLOOR === 'on'
    ? fork(new URL('./loop-floor.mjs', import.meta.url), [], { execArgv: [] })
    : null;
const floorReady = new Promise<void>((resolve) =>
  floor ? floor.once('message', () => resolve()) : resolve(),
);
let floorReading: Promise<LoopFloor | null> = Promise.resolve(null);
function stopFloor(): Promise<LoopFloor | null> {
  return new Promise((resolve) => {
    if (!floor) return resolve(null);
    const timer = setTimeout(() => resolve(null), 5_000);
    floor.once('message', (m: LoopFloor) => {
      clearTimeout(timer);
      resolve(m);
    });
    floor.send('stop');
  });
}

/** Messages whose content starts with `prefix`, counted once each as the core raises them. */
let watched: { prefix: string; ids: Set<string>; count: number; done: () => void } | null = null;
onEachMessage(core, (m: MessageView) => {
  if (!watched || !m.content.startsWith(watched.prefix) || !m.id) return;
  watched.ids.add(m.id);
  if (watched.ids.size >= watched.count) watched.done();
});

serve({
  /**
   * App start: the core is created (above, as the process starts) and its web host listens; the core
   * starts (session restored, connect, catch-up) without being awaited, and the page's address is
   * returned at once, as the desktop app opens its window while the core starts.
   */
  async start({
    watch,
    firstChannelId,
  }: {
    watch: { prefix: string; count: number } | null;
    /** The channel the UI opens first (else the first listed). */
    firstChannelId?: string;
  }) {
    let done!: () => void;
    const caughtUp = new Promise<void>((resolve) => {
      done = resolve;
    });
    watched = watch ? { ...watch, ids: new Set(), done } : null;
    t0 = performance.now();
    cpu0 = process.cpuUsage();
    sched0 = schedstat();
    loopDelay.reset();
    loopDelay.enable();
    floor?.send('start');
    // RELAY_LOOP_SPLIT=off: without the sampler, to see what its timer does to the histogram beside it.
    sampler = process.env.RELAY_LOOP_SPLIT === 'off' ? null : startLoopSampler();
    host = await startWebHost({ core, rendererDir, port: 0, log: (m, d) => console.error(m, d) });
    started = core.start();
    const connected = new Promise<number>((resolve) => {
      const off = core.on('connection', ({ state }) => {
        if (state === 'connected') {
          off();
          resolve(performance.now() - t0);
        }
      });
    });
    void started.then(async () => {
      // The UI's first two calls, answered from the local store.
      const channels = await core.handlers.listChannels(undefined);
      const first = firstChannelId ?? channels[0]?.id;
      const page = first ? await core.handlers.listMessages({ channelId: first }) : null;
      cacheMs = performance.now() - t0;
      cacheOnCore = onCoreBetween(sched0, schedstat());
      cachedMessages = page?.messages.length ?? 0;
    });
    void connected.then((at) => {
      connectedMs = at;
    });
    void caughtUp.then(() => finish(true));
    return { url: host.url };
  },

  /** Waits (bounded) until the watched messages are all in, then says when each step finished. */
  async result({ timeoutMs }: { timeoutMs: number }): Promise<AppResult> {
    const deadline = performance.now() + timeoutMs;
    while (timings === null && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // Not all in by then: the readings so far, marked incomplete (the elapsed time is a lower bound).
    if (timings === null) finish(false);
    if (timings) timings.floor = await floorReading;
    return { cacheMs, cacheOnCore, cachedMessages, timings, seen: watched?.ids.size ?? 0 };
  },

  /** The main process's memory after a full collection (node runs with --expose-gc). */
  memory() {
    collectGarbage();
    const { rss, heapUsed } = process.memoryUsage();
    return { rssMB: rss / 1024 / 1024, heapMB: heapUsed / 1024 / 1024 };
  },

  /** Only what the renderer would call: a channel's page, for the runner's own checks. */
  async channels() {
    return (await core.handlers.listChannels(undefined)).map((c) => ({ id: c.id, name: c.name }));
  },
});

let cacheMs: number | null = null;
let cacheOnCore: OnCore | null = null;
let sched0: [number, number] | null = null;
let cachedMessages = 0;
let connectedMs: number | null = null;
let timings: AppResult['timings'] = null;
let cpu0: NodeJS.CpuUsage | undefined;

function cpuSince(start: NodeJS.CpuUsage | undefined): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** From start to now: caught up (`complete`) or given up waiting. */
function finish(complete: boolean): void {
  if (timings) return;
  loopDelay.disable();
  floorReading = stopFloor();
  timings = {
    complete,
    connectedMs,
    caughtUpMs: performance.now() - t0,
    loopDelayP50: ms(loopDelay.percentile(50)),
    loopDelayP99: ms(loopDelay.percentile(99)),
    loopDelayMax: ms(loopDelay.max),
    loopDelaySamples: loopDelay.count,
    cpuMs: cpuSince(cpu0),
    mainOnCore: onCoreBetween(sched0, schedstat()),
    floor: null,
    split: loopSplitNow(),
  };
}

process.on('SIGTERM', () => {
  void (async () => {
    await host?.close();
    await core.close();
    floor?.kill();
    process.exit(0);
  })();
});
// As src-main/web/run.ts does before the core starts.
void Promise.all([floorReady, warmFetch()]).then(() => emitEvent({ event: 'ready' }));
