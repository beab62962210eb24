/**
 * `tsx bench/cpu-gaps.ts [SECONDS] [OP_US…]`: the machine's own stalls (bench/lib/cpu-gaps.ts), and for
 * each OP_US the p50 / p99 / p99.9 an operation of that constant cost reads from them alone. Figure 6
 * reports the same for the enqueue's median beside its p99 ("6. floor: …").
 */
import { constantOpWalls, gapsPerSecond, spinGaps } from './lib/cpu-gaps';
import { percentile } from './lib/stats';

const seconds = Number(process.argv[2] ?? 3);
const gaps = spinGaps(seconds);
const lost = gaps.length.subarray(0, gaps.count).reduce((a, b) => a + b, 0);
const perSecond = [20, 50, 100, 200].map((us) => Math.round(gapsPerSecond(gaps, us))).join(' / ');
console.log(
  `gaps a second > 20 / 50 / 100 / 200 µs: ${perSecond}; time lost ${((lost / (seconds * 1e6)) * 100).toFixed(1)} %; ` +
    `CPU ${(gaps.cpuShare * 100).toFixed(0)} % of wall; involuntary switches ${gaps.involuntarySwitches}`,
);
for (const op of process.argv.slice(3).map(Number)) {
  const walls = constantOpWalls(gaps, op);
  const q = (p: number) => percentile(walls, p).toFixed(0);
  console.log(`an operation of ${op} µs: p50 ${q(50)} µs, p99 ${q(99)} µs, p99.9 ${q(99.9)} µs`);
}
