/**
 * `npx tsx bench/renderer/relaunch-ab.ts BUILD [--rounds N]`: why figure 7's relaunch row can read slower
 * than its cold row. Each round, interleaved, with the 1-minute load beside it: a cold load (fresh
 * profile, as the cold row), a relaunch on a kept profile (as the relaunch row: its HTTP cache and V8's
 * code cache), and a relaunch on another kept profile started with `--v8-cache-options=none` (the same
 * HTTP cache, no code cache produced or consumed). Both kept profiles get figure 7's warm launches first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { serveStatic } from '../figures/fig7-renderer';
import { median } from '../lib/stats';
import { loadWithoutDevtools, NO_DEVTOOLS_QUERY, PaintReports, WARM_LAUNCHES } from './no-devtools';

const LINGER_MS = 1_500;
const VARIANTS = [
  { name: 'cold (fresh profile)', kept: false, args: [] as string[] },
  { name: 'relaunch (code cache)', kept: true, args: [] as string[] },
  { name: 'relaunch, --v8-cache-options=none', kept: true, args: ['--v8-cache-options=none'] },
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
      for (let w = 0; w < WARM_LAUNCHES; w++) {
        await loadWithoutDevtools(reports, url, 30_000, { profile, args: v.args, lingerMs: LINGER_MS });
      }
    }
    for (let r = 0; r < rounds; r++) {
      const line: string[] = [];
      for (const [i, v] of VARIANTS.entries()) {
        const profile = profiles[i];
        const load = loadavg()[0]!.toFixed(1);
        const report = await loadWithoutDevtools(reports, url, 30_000, {
          args: v.args,
          ...(profile ? { profile, lingerMs: LINGER_MS } : {}),
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
