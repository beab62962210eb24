/**
 * What the main loop's gaps are made of (figure 13): at each firing of a 1 ms timer the main thread's
 * schedstat (time on a core, time waiting in the run queue for one, both cumulative), so that every gap
 * between two firings splits into on a core, waiting for a core, and neither (blocked: the disk, a lock,
 * a GC's helper threads). loop22 found the loop's p99 made of waits with a profiler; this says it in
 * every run, without one. Pure: the app host feeds it readings (bench/app/app-host.ts).
 */

/** One firing: the monotonic clock and the thread's cumulative schedstat, all in ns. */
export interface Reading {
  atNs: number;
  ranNs: number;
  waitedNs: number;
}

/** One gap between two firings, in ms. */
export interface Gap {
  /** When the gap began, ms of the monotonic clock (process.hrtime, as a --cpu-prof profile's). */
  fromMs: number;
  /** Its wall time; of it, the main thread on a core, and runnable in the run queue waiting for one. */
  wallMs: number;
  ranMs: number;
  waitedMs: number;
  /**
   * wall − on a core − waiting, floored at 0: blocked (the kernel's counters move at its ticks and
   * switches, so a gap's share may be off by a tick; summed over a span they hold).
   */
  blockedMs: number;
}

export function gapBetween(from: Reading, to: Reading): Gap {
  const wallMs = (to.atNs - from.atNs) / 1e6;
  const ranMs = (to.ranNs - from.ranNs) / 1e6;
  const waitedMs = (to.waitedNs - from.waitedNs) / 1e6;
  return {
    fromMs: from.atNs / 1e6,
    wallMs,
    ranMs,
    waitedMs,
    blockedMs: Math.max(0, wallMs - ranMs - waitedMs),
  };
}

export interface LoopSplit {
  /** Gaps counted: the timer's firings less one. */
  gaps: number;
  /** Each column's own p99 over the gaps (nearest rank, each ranked on its own), ms. */
  p99: { wall: number; ranOnCore: number; waitedForCore: number; blocked: number; withoutWait: number };
  /**
   * The top 1 % of gaps by wall (those that make a histogram's p99), summed: how much of them was on a
   * core, waiting for one, blocked. Ms.
   */
  top: { count: number; wallMs: number; ranMs: number; waitedMs: number; blockedMs: number };
  /** The whole span's sums, ms. */
  total: { wallMs: number; ranMs: number; waitedMs: number; blockedMs: number };
}

/** The k-th largest of `values` (nearest rank for percentile p: k = ceil((1 − p/100) · n)). */
function kthLargest(values: number[], k: number): number {
  return [...values].sort((a, b) => b - a)[k - 1] ?? 0;
}

/** Null with no gaps (fewer than two firings). */
export function splitGaps(gaps: readonly Gap[]): LoopSplit | null {
  if (gaps.length === 0) return null;
  const k = Math.max(1, Math.ceil(gaps.length * 0.01));
  const col = (f: (g: Gap) => number) => kthLargest(gaps.map(f), k);
  const sum = (list: readonly Gap[], f: (g: Gap) => number) => list.reduce((s, g) => s + f(g), 0);
  const top = [...gaps].sort((a, b) => b.wallMs - a.wallMs).slice(0, k);
  const sums = (list: readonly Gap[]) => ({
    wallMs: sum(list, (g) => g.wallMs),
    ranMs: sum(list, (g) => g.ranMs),
    waitedMs: sum(list, (g) => g.waitedMs),
    blockedMs: sum(list, (g) => g.blockedMs),
  });
  return {
    gaps: gaps.length,
    p99: {
      wall: col((g) => g.wallMs),
      ranOnCore: col((g) => g.ranMs),
      waitedForCore: col((g) => g.waitedMs),
      blocked: col((g) => g.blockedMs),
      // What the gap would have been had the thread been given a core at once: its own turn and its blocks.
      withoutWait: col((g) => g.wallMs - g.waitedMs),
    },
    top: { count: k, ...sums(top) },
    total: sums(gaps),
  };
}
