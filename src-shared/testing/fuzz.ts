/**
 * How many generated cases a fuzz or property suite runs: its sample in `npm test`, or FUZZ_RUNS in the
 * long mode (`npm run test:fuzz`). Files named `*.fuzz.test.ts` are the suites the long mode runs.
 */
export function fuzzRuns(sample: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : sample;
}
