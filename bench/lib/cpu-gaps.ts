/**
 * The machine's own stalls, and the p99 they alone give an operation of a constant cost (figure 6's
 * floor for the enqueue: BENCHMARKS.md "enq27").
 *
 * One thread spins on the clock, allocating nothing: each step is well under a µs, so a gap of more
 * than 20 µs between two readings is time this thread did not run its own code. On this VM most such
 * gaps are no context switch the guest sees (few involuntary switches, and the process's CPU time
 * counts them as its own): the hypervisor or the host's other work took the core.
 */

const GAP_MS = 0.02;
const MAX_GAPS = 1_000_000;

export interface Gaps {
  seconds: number;
  /** Each gap's start (µs from the spin's start) and length (µs), in time order. */
  at: Float64Array;
  length: Float64Array;
  count: number;
  involuntarySwitches: number;
  /** The process's CPU time over the spin, as a share of its wall time. */
  cpuShare: number;
}

/** Spins for `seconds`, recording every gap of more than 20 µs. Blocks the thread meanwhile. */
export function spinGaps(seconds: number): Gaps {
  const at = new Float64Array(MAX_GAPS);
  const length = new Float64Array(MAX_GAPS);
  let count = 0;
  const before = process.resourceUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  let last = start;
  while (last < end && count < MAX_GAPS) {
    const t = performance.now();
    if (t - last > GAP_MS) {
      at[count] = (last - start) * 1000;
      length[count++] = (t - last) * 1000;
    }
    last = t;
  }
  const after = process.resourceUsage();
  const cpu = after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime;
  return {
    seconds,
    at,
    length,
    count,
    involuntarySwitches: after.involuntaryContextSwitches - before.involuntaryContextSwitches,
    cpuShare: cpu / (seconds * 1e6),
  };
}

/** Gaps a second longer than `us`. */
export function gapsPerSecond(gaps: Gaps, us: number): number {
  let n = 0;
  for (let i = 0; i < gaps.count; i++) if (gaps.length[i]! > us) n++;
  return n / gaps.seconds;
}

/**
 * An operation needing `opUs` of the thread's own time, started at `samples` random points of the
 * recorded spin: its wall time is `opUs` plus every gap inside its span. Returns the walls (µs; read
 * them with stats.ts `percentile`): what an operation of that constant cost reads on this machine in
 * this minute, with no GC, fault or variance of its own.
 */
export function constantOpWalls(gaps: Gaps, opUs: number, samples = 20_000): number[] {
  const walls: number[] = [];
  const span = gaps.seconds * 1e6 - opUs * 50;
  for (let k = 0; k < samples; k++) walls.push(wallFrom(gaps, Math.random() * span, opUs));
  return walls;
}

function wallFrom(gaps: Gaps, from: number, work: number): number {
  let i = firstAtOrAfter(gaps, from);
  let t = from;
  let left = work;
  let wall = 0;
  while (i < gaps.count && gaps.at[i]! < t + left) {
    left -= gaps.at[i]! - t;
    wall += gaps.at[i]! - t + gaps.length[i]!;
    t = gaps.at[i]! + gaps.length[i]!;
    i++;
  }
  return wall + left;
}

function firstAtOrAfter(gaps: Gaps, t: number): number {
  let lo = 0;
  let hi = gaps.count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (gaps.at[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
