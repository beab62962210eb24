/**
 * `npm run chaos -- --cycles N [--seed S] [--minutes M]`: the long mode of the chaos run (run.ts).
 * The seed is printed first and again on failure, so `--seed S` replays the same schedule.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './run';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '25' },
    seed: { type: 'string' },
    minutes: { type: 'string' },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : Number(values.seed);
const cycles = Number(values.cycles);
if (!Number.isInteger(cycles) || cycles < 1 || !Number.isInteger(seed))
  throw new Error('--cycles N [--seed S]');
console.log(`chaos: seed ${seed}, ${cycles} cycles`);
try {
  const report = await runChaos({
    cycles,
    seed,
    budgetMs: values.minutes === undefined ? undefined : Number(values.minutes) * 60_000,
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(report, null, 2));
} catch (e) {
  console.error(
    `chaos FAILED with seed ${seed} (replay: npm run chaos -- --cycles ${cycles} --seed ${seed})`,
  );
  console.error(e);
  process.exit(1);
}
process.exit(0);
