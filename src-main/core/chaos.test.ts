/**
 * The chaos run's short sample (issue 14; the long mode is `npm run chaos`): two app cores in child
 * processes and a server child, 10 cycles of random operations from both apps with one fault each
 * (kill -9 of an app or the server, or a connection cut), then nothing lost, nothing twice, order
 * kept, last intent applied, and both apps' views equal to the server's (testing/chaos/intent.ts).
 */
import { describe, expect, it } from 'vitest';
import { FAULTS, runChaos } from './testing/chaos/run';

const SEED = Number(process.env.CHAOS_SEED ?? 14);
/**
 * The issue asks for 25. On the shared 2-core box 25 cycles took 77 s with a server restart at ~5 s,
 * and later, under heavier load, server restarts took 14-19 s and 18 cycles over 180 s: the sample is
 * the 10 that fit about a minute on a quiet box (seed 14's first 10 hold every fault kind); the long
 * mode runs the rest. The timeout is generous for the loaded box, not a bound.
 */
const CYCLES = 10;

describe('chaos', () => {
  it(`${CYCLES} cycles of operations and faults end as intended (seed ${SEED})`, {
    timeout: 300_000,
  }, async () => {
    console.log(`chaos seed ${SEED} (replay: npm run chaos -- --cycles ${CYCLES} --seed ${SEED})`);
    const report = await runChaos({ cycles: CYCLES, seed: SEED });
    expect(report.cycles).toBe(CYCLES);
    for (const fault of FAULTS) expect(report.faults[fault], fault).toBeGreaterThan(0);
    expect(report.ops.send).toBeGreaterThan(0);
    expect(report.ops.edit + report.ops.delete + report.ops.react + report.ops.unreact).toBeGreaterThan(0);
  });
});
