#!/usr/bin/env node
/**
 * `npm run web [-- --port 5180 --server URL --user-data DIR]`: builds the renderer if its sources
 * changed since the last build, then runs the browser host (src-main/web/cli.ts) in this process,
 * which prints one line `Relay browser host: open http://127.0.0.1:PORT/?token=…`: the address to open
 * (its token is one-time; the browser trades it for a session cookie, see src-main/web/access.ts).
 * `--no-build` skips the build (e.g. several hosts started by one test run after a single build).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const index = join(root, 'out', 'renderer', 'index.html');
const args = process.argv.slice(2);
const noBuild = args.includes('--no-build');

if (!noBuild && rendererIsStale()) {
  console.log('Building the renderer (vite build)...');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const build = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) {
    console.error('Relay browser host: the renderer build failed (see above).');
    process.exit(1);
  }
}
if (!existsSync(index)) {
  console.error(
    'Relay browser host: out/renderer is not built; run `npm run build:renderer` (or drop --no-build).',
  );
  process.exit(1);
}

process.chdir(root);
process.argv = [process.argv[0], process.argv[1], ...args.filter((a) => a !== '--no-build')];
const { register } = await import('tsx/esm/api');
register();
await import('../src-main/web/cli.ts');

function rendererIsStale() {
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const inputs = ['src-renderer', 'src-shared', 'vite.renderer.config.ts'].map((p) => join(root, p));
  return inputs.some((path) => newestMtime(path) > built);
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}
