/**
 * The chaos run's short sample (issue 14; the long mode is `npm run chaos`): two app cores in child
 * processes and a server child, 25 cycles of random operations from both apps with one fault each
 * (kill -9 of an app or the server, or a connection cut), then nothing lost, nothing twice, order
 * kept, last intent applied, and both apps' views equal to the server's (testing/chaos/intent.ts).
 */
import { describe, expect, it } from 'vitest';
import { FAULTS, runChaos } from './testing/chaos/run';

const SEED = Number(process.env.CHAOS_SEED ?? 14);
/**
 * The 25 (seed 14 holds every fault kind in them): 39 s on a quiet 2-core box, once the two
 * apps start side by side and the drain signs in once (RELIABILITY.md). The long mode runs 1,000.
 * The timeout is generous for a loaded box, not a bound.
 */
const CYCLES = 25;

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
