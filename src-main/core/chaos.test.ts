/**
 * The chaos run's short sample (issue 14; the long mode is `npm run chaos`): two app cores in child
 * processes and a server child, 18 cycles of random operations from both apps with one fault each
 * (kill -9 of an app or the server, or a connection cut), then nothing lost, nothing twice, order
 * kept, last intent applied, and both apps' views equal to the server's (testing/chaos/intent.ts).
 */
import { describe, expect, it } from 'vitest';
import { FAULTS, runChaos } from './testing/chaos/run';

const SEED = Number(process.env.CHAOS_SEED ?? 14);
/**
 * The issue asks for 25; on the shared 2-core box 25 cycles took 77 s (a server restart ~5 s, an app
 * restart ~2.7 s), over the ~60 s a test may take here, so the sample is the 18 that fit (~55 s).
 */
const CYCLES = 18;

describe('chaos', () => {
  it(`${CYCLES} cycles of operations and faults end as intended (seed ${SEED})`, {
    timeout: 180_000,
  }, async () => {
    console.log(`chaos seed ${SEED} (replay: npm run chaos -- --cycles ${CYCLES} --seed ${SEED})`);
    const report = await runChaos({ cycles: CYCLES, seed: SEED });
    expect(report.cycles).toBe(CYCLES);
    for (const fault of FAULTS) expect(report.faults[fault], fault).toBeGreaterThan(0);
    expect(report.ops.send).toBeGreaterThan(0);
    expect(report.ops.edit + report.ops.delete + report.ops.react + report.ops.unreact).toBeGreaterThan(0);
  });
});
