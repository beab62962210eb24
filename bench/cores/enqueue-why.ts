/**
 * What figure 6's slow enqueues are, in the figure's own process (the core host): set
 * `BENCH_ENQUEUE_WHY=FILE` and the core host's `enqueue` records, around each `sendMessage`, its wall time,
 * its CPU, minor page faults and context switches (process.resourceUsage) and the heap's growth, and
 * every V8 collection of the loop (perf_hooks `gc` entries); FILE gets the summary as JSON. Off by
 * default: it adds two getrusage calls a send, so the figure's own rows are read without it.
 *
 * The slowest 1 % are each put in one class, in this order: met a collection (a `gc` entry overlapping
 * the send), met page faults (more than the ordinary send's p90), waited (a context switch), or neither.
 */
import { statSync, writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

interface Send {
  start: number;
  end: number;
  cpu: number;
  /** Of `cpu`, the kernel's (the WAL's writes, faults). */
  sys: number;
  faults: number;
  switches: number;
  heap: number;
  /** WAL frames the send's commit wrote (the -wal file's growth; a frame is a page plus 24 bytes). */
  frames: number;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

export function enqueueRecorder(file: string | undefined, wal: string) {
  if (!file) return null;
  const walSize = () => statSync(wal, { throwIfNoEntry: false })?.size ?? 0;
  let walBefore = 0;
  const sends: Send[] = [];
  const gcs: { start: number; end: number; kind: string }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = ((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind ?? -1;
      gcs.push({ start: e.startTime, end: e.startTime + e.duration, kind: GC_KINDS[kind] ?? String(kind) });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  let usage: NodeJS.ResourceUsage;
  let heap = 0;
  let start = 0;
  return {
    before(): void {
      walBefore = walSize();
      heap = v8.getHeapStatistics().used_heap_size;
      usage = process.resourceUsage();
      start = performance.now();
    },
    after(): void {
      const end = performance.now();
      const u = process.resourceUsage();
      sends.push({
        start,
        end,
        cpu: u.userCPUTime + u.systemCPUTime - usage.userCPUTime - usage.systemCPUTime,
        sys: u.systemCPUTime - usage.systemCPUTime,
        faults: u.minorPageFault + u.majorPageFault - usage.minorPageFault - usage.majorPageFault,
        switches:
          u.voluntaryContextSwitches +
          u.involuntaryContextSwitches -
          usage.voluntaryContextSwitches -
          usage.involuntaryContextSwitches,
        heap: v8.getHeapStatistics().used_heap_size - heap,
        frames: Math.round((walSize() - walBefore) / (4096 + 24)),
      });
    },
    /** Called after the loop, once the observer has had a turn to deliver its entries. */
    finish(): void {
      observer.disconnect();
      writeFileSync(file, JSON.stringify(summary(sends, gcs), null, 1));
    },
  };
}

const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

function summary(sends: Send[], all: { start: number; end: number; kind: string }[]) {
  const first = sends[0]?.start ?? 0;
  const last = sends.at(-1)?.end ?? 0;
  const gcs = all.filter((g) => g.end > first && g.start < last);
  const metGc = (s: Send) => gcs.some((g) => g.start < s.end && g.end > s.start);
  const faultsP90 = q(
    sends.map((s) => s.faults),
    0.9,
  );
  const slowest = [...sends]
    .sort((a, b) => a.end - a.start - (b.end - b.start))
    .slice(Math.floor(sends.length * 0.99));
  const classes = { gc: 0, faults: 0, switched: 0, neither: 0 };
  for (const s of slowest) {
    if (metGc(s)) classes.gc++;
    else if (s.faults > faultsP90) classes.faults++;
    else if (s.switches > 0) classes.switched++;
    else classes.neither++;
  }
  const us = (ms: number) => Math.round(ms * 1000);
  const byKind: Record<string, { count: number; p50: number; max: number }> = {};
  for (const kind of new Set(gcs.map((g) => g.kind))) {
    const durations = gcs.filter((g) => g.kind === kind).map((g) => us(g.end - g.start));
    byKind[kind] = { count: durations.length, p50: q(durations, 0.5), max: Math.max(...durations) };
  }
  const quiet = sends.filter((s) => !metGc(s));
  const neither = slowest.filter((s) => !metGc(s) && s.faults <= faultsP90 && s.switches === 0);
  return {
    sends: sends.length,
    gc: byKind,
    sendsMeetingGc: sends.length - quiet.length,
    // Heap growth of a send that met no collection: what it allocated on V8's heap (bytes).
    heapBytesASend: {
      p50: q(
        quiet.map((s) => s.heap),
        0.5,
      ),
      p90: q(
        quiet.map((s) => s.heap),
        0.9,
      ),
    },
    wallUs: {
      p50: us(
        q(
          sends.map((s) => s.end - s.start),
          0.5,
        ),
      ),
      p99: us(
        q(
          sends.map((s) => s.end - s.start),
          0.99,
        ),
      ),
    },
    cpuUs: {
      p50: q(
        sends.map((s) => s.cpu),
        0.5,
      ),
      p90: q(
        sends.map((s) => s.cpu),
        0.9,
      ),
      p99: q(
        sends.map((s) => s.cpu),
        0.99,
      ),
    },
    framesASend: {
      p50: q(
        sends.map((s) => s.frames),
        0.5,
      ),
      p90: q(
        sends.map((s) => s.frames),
        0.9,
      ),
      p99: q(
        sends.map((s) => s.frames),
        0.99,
      ),
    },
    sysUs: {
      p50: q(
        sends.map((s) => s.sys),
        0.5,
      ),
      p90: q(
        sends.map((s) => s.sys),
        0.9,
      ),
    },
    faultsASend: {
      p50: q(
        sends.map((s) => s.faults),
        0.5,
      ),
      p90: faultsP90,
      p99: q(
        sends.map((s) => s.faults),
        0.99,
      ),
    },
    slowest: {
      count: slowest.length,
      fastestUs: us((slowest[0]?.end ?? 0) - (slowest[0]?.start ?? 0)),
      classes,
      gcWallUsMedian: us(
        q(
          slowest.filter(metGc).map((s) => s.end - s.start),
          0.5,
        ),
      ),
      faultsMedian: q(
        slowest.map((s) => s.faults),
        0.5,
      ),
      framesMedian: q(
        slowest.map((s) => s.frames),
        0.5,
      ),
      atLeast9Frames: slowest.filter((s) => s.frames >= 9).length,
      sysUsMedian: q(
        slowest.map((s) => s.sys),
        0.5,
      ),
      cpuUsMedian: q(
        slowest.map((s) => s.cpu),
        0.5,
      ),
      neitherCpuUsMedian: q(
        neither.map((s) => s.cpu),
        0.5,
      ),
    },
    // Where in the loop the slowest were (send index, wall µs, CPU µs, faults, switches).
    slowestAt: slowest
      .map((s) => [sends.indexOf(s), us(s.end - s.start), s.cpu, s.frames, s.faults, s.switches])
      .sort((a, b) => a[0]! - b[0]!),
  };
}
