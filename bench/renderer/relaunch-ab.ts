/**
 * `npx tsx bench/renderer/relaunch-ab.ts BUILD [--rounds N]`: why figure 7's relaunch row can read slower
 * than its cold row, and what V8's code cache is worth. Each round, interleaved, with the 1-minute load
 * beside it: a cold load (fresh profile, as the cold row); a relaunch on a kept profile (as the relaunch
 * row: the HTTP cache; Chromium writes the entry's code cache but, with BackgroundResourceFetch on, streams
 * the entry instead of reading it); a relaunch with that feature off (the code cache read back, 3–4 ms on
 * the main thread); and the same with `--v8-cache-options=none` (the feature off, no code cache). Each
 * kept profile gets figure 7's warm launches first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { serveStatic } from '../figures/fig7-renderer';
import { median } from '../lib/stats';
import {
  loadWithoutDevtools,
  NO_DEVTOOLS_QUERY,
  PaintReports,
  WARM_LINGER_MS,
  warmProfile,
} from './no-devtools';

/** Off, Chromium reads the entry's code cache back on a relaunch (on, it streams the entry instead). */
const NO_BACKGROUND_FETCH = '--disable-features=BackgroundResourceFetch';
const VARIANTS = [
  { name: 'cold (fresh profile)', kept: false, args: [] as string[] },
  { name: 'relaunch', kept: true, args: [] as string[] },
  { name: 'relaunch, code cache read', kept: true, args: [NO_BACKGROUND_FETCH] },
  { name: 'relaunch, code cache off', kept: true, args: [NO_BACKGROUND_FETCH, '--v8-cache-options=none'] },
];

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args.splice(at, 2)[1]) : 5;
  const reports = new PaintReports();
  const server = await serveStatic(path.resolve(args[0]!), reports);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/?${NO_DEVTOOLS_QUERY}`;
  const profiles = await Promise.all(
    VARIANTS.map((v) => (v.kept ? mkdtemp(path.join(tmpdir(), 'relay-relaunch-ab-')) : undefined)),
  );
  const shells: number[][] = VARIANTS.map(() => []);
  try {
    for (const [i, v] of VARIANTS.entries()) {
      const profile = profiles[i];
      if (!profile) continue;
      await warmProfile(reports, url, profile, { args: v.args });
    }
    for (let r = 0; r < rounds; r++) {
      const line: string[] = [];
      for (const [i, v] of VARIANTS.entries()) {
        const profile = profiles[i];
        const load = loadavg()[0]!.toFixed(1);
        const report = await loadWithoutDevtools(reports, url, 30_000, {
          args: v.args,
          ...(profile ? { profile, lingerMs: WARM_LINGER_MS } : {}),
        });
        shells[i]!.push(report.shell ?? Number.NaN);
        line.push(`${v.name} ${report.shell?.toFixed(0)} (FCP ${report.fcp.toFixed(0)}, load ${load})`);
      }
      console.log(`round ${r + 1} ${new Date().toISOString().slice(11, 19)}: ${line.join('; ')}`);
    }
    for (const [i, v] of VARIANTS.entries()) {
      console.log(
        `${v.name}: median ${median(shells[i]!).toFixed(0)} ms (${shells[i]!.map((s) => s.toFixed(0)).join(', ')})`,
      );
    }
  } finally {
    for (const profile of profiles) if (profile) await rm(profile, { recursive: true, force: true });
    server.close();
  }
}
void main();
