/**
 * What figure 6's slow enqueues are, in the figure's own process (the core host): set
 * `BENCH_ENQUEUE_WHY=FILE` and the core host's `enqueue` records, around each `sendMessage`, its wall
 * time, the process's CPU (all its threads; on this VM it also counts the stalls the hypervisor takes,
 * bench/lib/cpu-gaps.ts), minor page faults, context switches, the heap's growth and the WAL frames its
 * commit wrote, and every V8 collection of the loop (perf_hooks `gc` entries); FILE gets the summary as
 * JSON. Off by default: it adds getrusage and stat calls to each send, so the figure's rows are read
 * without it.
 *
 * The slowest 1 % are each put in one class, in this order: met a collection (a `gc` entry overlapping
 * the send), more page faults than the sends' p90, a context switch, or neither (its time was all CPU).
 */
import { statSync, writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import { percentile } from '../lib/stats';

interface Send {
  start: number;
  end: number;
  cpu: number;
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

/** p50, p90 and p99 of one field of the sends (stats.ts `percentile`; 0 when there are none). */
function spread(sends: Send[], field: (s: Send) => number): { p50: number; p90: number; p99: number } {
  if (sends.length === 0) return { p50: 0, p90: 0, p99: 0 };
  const xs = sends.map(field);
  return { p50: percentile(xs, 50), p90: percentile(xs, 90), p99: percentile(xs, 99) };
}

function summary(sends: Send[], all: { start: number; end: number; kind: string }[]) {
  const first = sends[0]?.start ?? 0;
  const last = sends.at(-1)?.end ?? 0;
  const gcs = all.filter((g) => g.end > first && g.start < last);
  const metGc = (s: Send) => gcs.some((g) => g.start < s.end && g.end > s.start);
  const wall = (s: Send) => Math.round((s.end - s.start) * 1000);
  const faults = spread(sends, (s) => s.faults);
  const slowest = [...sends].sort((a, b) => wall(a) - wall(b)).slice(Math.floor(sends.length * 0.99));
  const classes = { gc: 0, faults: 0, switched: 0, neither: 0 };
  for (const s of slowest) {
    if (metGc(s)) classes.gc++;
    else if (s.faults > faults.p90) classes.faults++;
    else if (s.switches > 0) classes.switched++;
    else classes.neither++;
  }
  const byKind: Record<string, { count: number; p50Us: number; maxUs: number }> = {};
  for (const kind of new Set(gcs.map((g) => g.kind))) {
    const us = gcs
      .filter((g) => g.kind === kind)
      .map((g) => Math.round((g.end - g.start) * 1000))
      .sort((a, b) => a - b);
    byKind[kind] = { count: us.length, p50Us: us[us.length >> 1] ?? 0, maxUs: us.at(-1) ?? 0 };
  }
  const neither = slowest.filter((s) => !metGc(s) && s.faults <= faults.p90 && s.switches === 0);
  return {
    sends: sends.length,
    gc: byKind,
    sendsMeetingGc: sends.filter(metGc).length,
    // Heap growth of a send that met no collection: what it allocated on V8's heap (bytes).
    heapBytesASend: spread(
      sends.filter((s) => !metGc(s)),
      (s) => s.heap,
    ),
    wallUs: spread(sends, wall),
    cpuUs: spread(sends, (s) => s.cpu),
    framesASend: spread(sends, (s) => s.frames),
    faultsASend: faults,
    slowest: {
      count: slowest.length,
      fastestUs: slowest[0] ? wall(slowest[0]) : 0,
      classes,
      atLeast9Frames: slowest.filter((s) => s.frames >= 9).length,
      median: { cpuUs: spread(slowest, (s) => s.cpu).p50, frames: spread(slowest, (s) => s.frames).p50 },
      neitherCpuUsMedian: spread(neither, (s) => s.cpu).p50,
    },
    // Where in the loop the slowest were: [send index, wall µs, CPU µs, WAL frames, faults, switches].
    slowestAt: slowest
      .map((s) => [sends.indexOf(s), wall(s), s.cpu, s.frames, s.faults, s.switches])
      .sort((a, b) => a[0]! - b[0]!),
  };
}
