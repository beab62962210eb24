/**
 * How many generated cases a fuzz or property suite runs: its sample in `npm test`, or FUZZ_RUNS in the
 * long mode (`npm run test:fuzz`). Files named `*.fuzz.test.ts` are the suites the long mode runs.
 */
export function fuzzRuns(sample: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : sample;
}

/**
 * Replays one failing case of a property suite: FUZZ_SEED and FUZZ_PATH are the `seed` and `path` that
 * fast-check printed with the failure (in CI's log too), so a case seen once can be run again here.
 */
export function fuzzReplay(): { seed?: number; path?: string } {
  const seed = Number(process.env.FUZZ_SEED);
  if (!Number.isInteger(seed)) return {};
  return process.env.FUZZ_PATH ? { seed, path: process.env.FUZZ_PATH } : { seed };
}
