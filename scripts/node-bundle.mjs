/**
 * One prebuilt JavaScript file for a TypeScript entry that tests start as a child process many times
 * (the e2e suite's reference server and browser host: one of each per test, more on restarts).
 *
 * Under `node --import tsx`, every module of every start goes through tsx's loader hooks, which on
 * Node 20 run on their own thread: loading the server took 5–6 s of CPU per start, against 3 s from
 * one bundle (load 25, 2 Dec 2026), and the e2e suite is CPU-bound on 2 cores. The bundle is the
 * same source, compiled by the same esbuild tsx uses; packages stay external (loaded from
 * node_modules as before), and each module's `import.meta.url` is its own source file's, so whatever
 * a module finds beside itself (migrations, the SQLite writer thread's entry, which still registers
 * tsx for its own thread) is found exactly where it is found from source.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** Writes `outfile` (ESM) from `entry`; resolves once it is written. */
export async function bundleNodeEntry(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
    plugins: [
      {
        name: 'source-import-meta',
        setup(builder) {
          builder.onLoad({ filter: /\.(ts|tsx|mts)$/ }, async ({ path }) => {
            const url = pathToFileURL(path).href;
            const source = await readFile(path, 'utf8');
            return {
              contents: source
                .replaceAll('import.meta.url', JSON.stringify(url))
                .replaceAll('import.meta.dirname', JSON.stringify(path.slice(0, path.lastIndexOf('/')))),
              loader: path.endsWith('.tsx') ? 'tsx' : 'ts',
            };
          });
        },
      },
    ],
  });
}
