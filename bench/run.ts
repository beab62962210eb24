/**
 * `npm run bench [-- --quick] [-- --only 1,3]`: runs the figures of issue 7, each beside a baseline
 * measured in this same run, prints the table and writes bench/results/latest.json.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type FigureId, parseArgs, USAGE } from './config';
import { Bench } from './figures/context';
import { figure1 } from './figures/fig1-idle';
import { figure2 } from './figures/fig2-cores';
import { figure3 } from './figures/fig3-load';
import { figure4 } from './figures/fig4-fanout';
import { figure5 } from './figures/fig5-connections';
import { figure6 } from './figures/fig6-outbox';
import { figure7 } from './figures/fig7-renderer';
import { figure8 } from './figures/fig8-changes';
import { figure9 } from './figures/fig9-search';
import { figure10 } from './figures/fig10-upload';
import { figure11 } from './figures/fig11-floods';
import { figure12 } from './figures/fig12-catch-up';
import { figure13 } from './figures/fig13-cold-start';
import { figure14 } from './figures/fig14-long-day';
import { figure15 } from './figures/fig15-scale-out';
import { figure16 } from './figures/fig16-thumbnail';
import { repoRoot } from './lib/proc';
import { QUIET, waitForQuiet } from './lib/quiet';
import { makeRow, type Row } from './lib/result';
import { formatMarkdown, formatTable } from './lib/table';

const FIGURES: Partial<Record<FigureId, (bench: Bench) => Promise<Row[]>>> = {
  '1': figure1,
  '2': figure2,
  '3': figure3,
  '4': figure4,
  '5': figure5,
  '6': figure6,
  '7': figure7,
  '8': figure8,
  '9': figure9,
  '10': figure10,
  '11': figure11,
  '12': figure12,
  '13': figure13,
  '14': figure14,
  '15': figure15,
  '16': figure16,
};

async function main(): Promise<void> {
  if (process.argv.includes('--help')) return void console.log(`${USAGE}\nSee BENCHMARKS.md.`);
  // A standalone measurement (BENCHMARKS.md, "Compression"), not a figure of the table.
  if (process.argv.includes('--compression')) return (await import('./compression')).runCompression();
  const options = parseArgs(process.argv.slice(2));
  if (options.print) {
    const rows = JSON.parse(await readFile(options.print, 'utf8')) as Row[];
    return void console.log(options.markdown ? formatMarkdown(rows) : formatTable(rows));
  }
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'relay-bench-'));
  const bench = new Bench(options, workDir);
  const started = performance.now();
  const rows: Row[] = [];
  const loadAverages: string[] = [];
  process.once('SIGINT', () => void bench.stopAll().then(() => process.exit(130)));
  bench.log(
    `${options.quick ? 'quick' : 'full'} run of figures ${options.figures.join(', ')}; logs in ${workDir}`,
  );
  try {
    for (const id of options.figures) {
      const figure = FIGURES[id];
      // A smoke run keeps to its three minutes: two windows of 0.1 s (ten ticks of each core's clock)
      // instead of two of half a second, at most 5 s a figure.
      const settled = await waitForQuiet(options.quick ? { ...QUIET, windowMs: 100, maxMs: 5_000 } : QUIET);
      const figureStart = performance.now();
      const loadBefore = os.loadavg()[0]!;
      try {
        if (!figure) throw new Error('not implemented yet');
        rows.push(...(await figure(bench)));
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        bench.log(`figure ${id} failed: ${message}`);
        rows.push(
          makeRow({ name: `${id}. (figure failed)`, value: null, unit: '', checks: [], note: message }),
        );
      } finally {
        await bench.stopAll();
        loadAverages.push(
          `figure ${id}: ${((performance.now() - figureStart) / 1000).toFixed(0)} s, ` +
            `1-min load average ${loadBefore.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}, started ` +
            `${settled.quiet ? 'quiet' : 'NOT quiet'} after ${(settled.waitedMs / 1000).toFixed(1)} s ` +
            `(CPU ${(settled.busy * 100).toFixed(0)} % busy)`,
        );
      }
    }
  } finally {
    await bench.stopAll();
  }
  const seconds = (performance.now() - started) / 1000;
  const output = path.resolve(repoRoot, options.output);
  await writeFile(output, `${JSON.stringify(rows, null, 2)}\n`);
  console.log(options.markdown ? formatMarkdown(rows) : formatTable(rows));
  // Anything above ~1 means other work shared the two cores with this run.
  console.log(`\n${loadAverages.join('\n')}`);
  if (options.quick)
    console.log('quick: scaled down (row names give the scale); verdicts are indicative only');
  console.log(
    `\n${options.quick ? 'quick' : 'full'} run: ${seconds.toFixed(0)} s on ${os.cpus().length} cores, ` +
      `load average ${os.loadavg()[0]!.toFixed(2)}; wrote ${path.relative(repoRoot, output)}`,
  );
  // The children's logs and data folders stay where a figure failed, to be read.
  if (rows.some((row) => row.value === null)) console.log(`logs kept in ${workDir}`);
  else await rm(workDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
