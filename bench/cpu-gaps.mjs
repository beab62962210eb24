/**
 * `node bench/cpu-gaps.mjs [SECONDS] [OP_US…]`: the machine's own stalls, and the p99 they alone give an
 * operation of OP_US µs of work (figure 6's floor: BENCHMARKS.md "enq27").
 *
 * One thread spins on the clock, allocating nothing: each step is well under a µs, so a gap of more
 * than 20 µs between two readings is time this thread did not run. On this VM most such gaps are not
 * context switches the guest sees (few involuntary switches, and the process's CPU time counts them
 * as its own): the hypervisor or the host's other work took the core.
 *
 * For each OP_US: an operation needing that much of the thread's time, started at 20,000 random points
 * of the recorded run, takes OP_US plus every gap inside the span; its p50 and p99 are printed. That
 * p99 is what an operation of constant cost reads on this machine in this minute, with no GC, fault or
 * variance of its own.
 */
const seconds = Number(process.argv[2] ?? 3);
const ops = process.argv.slice(3).map(Number);
const MAX = 1_000_000;
const at = new Float64Array(MAX);
const len = new Float64Array(MAX);
let n = 0;
const before = process.resourceUsage();
const start = performance.now();
const end = start + seconds * 1000;
let last = start;
while (last < end && n < MAX) {
  const t = performance.now();
  if (t - last > 0.02) {
    at[n] = (last - start) * 1000;
    len[n++] = (t - last) * 1000;
  }
  last = t;
}
const after = process.resourceUsage();
const gaps = Array.from(len.subarray(0, n)).sort((a, b) => a - b);
const perSecond = (over) => Math.round(gaps.filter((g) => g > over).length / seconds);
const lost = gaps.reduce((a, b) => a + b, 0);
const cpu = after.userCPUTime + after.systemCPUTime - before.userCPUTime - before.systemCPUTime;
console.log(
  `gaps a second > 20 / 50 / 100 / 200 µs: ${perSecond(20)} / ${perSecond(50)} / ${perSecond(100)} / ${perSecond(200)}; ` +
    `time lost ${((lost / (seconds * 1e6)) * 100).toFixed(1)} %; CPU ${((cpu / (seconds * 1e6)) * 100).toFixed(0)} % of wall; ` +
    `involuntary switches ${after.involuntaryContextSwitches - before.involuntaryContextSwitches}`,
);

/** Wall time of `work` µs of the thread's own time from wall `from` µs: `work` plus the gaps it meets. */
function wallOf(from, work) {
  let i = lowerBound(from);
  let t = from;
  let left = work;
  let wall = 0;
  while (i < n && at[i] < t + left) {
    left -= at[i] - t;
    wall += at[i] - t + len[i];
    t = at[i] + len[i];
    i++;
  }
  return wall + left;
}

function lowerBound(t) {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

for (const op of ops) {
  const walls = [];
  for (let k = 0; k < 20_000; k++) walls.push(wallOf(Math.random() * (seconds * 1e6 - op * 50), op));
  walls.sort((a, b) => a - b);
  const q = (p) => walls[Math.floor(walls.length * p)].toFixed(0);
  console.log(`an operation of ${op} µs: p50 ${q(0.5)} µs, p99 ${q(0.99)} µs, p99.9 ${q(0.999)} µs`);
}
