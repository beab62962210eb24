/**
 * Vitest's global setup: the reference server, which the suite starts as a child process over and
 * over (every kill -9/restart test, the chaos sample's server faults), runs from one bundle built here
 * once per run (scripts/node-bundle.mjs) instead of from source under tsx, which loaded it in about
 * twice the CPU. Its path goes to the test processes as RELAY_TEST_SERVER_BUNDLE (src-server/testing.ts
 * spawnServer). Outside vitest (bench, `npm run chaos`, e2e) it is not set.
 *
 * The chaos sample's app children stay on tsx: started faster, their first sign-in met a server still
 * warming up at load 25 and timed out (FAST's 8 s request bound), a timing the sample never had.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleNodeEntry } from './node-bundle.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export default async function setup() {
  // Inside the checkout, so the bundles' external packages resolve from its node_modules.
  const parent = join(ROOT, 'test-results', 'vitest-node');
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(join(parent, 'run-'));
  const server = join(dir, 'server.mjs');
  const admin = join(dir, 'admin.mjs');
  await Promise.all([
    bundleNodeEntry(join(ROOT, 'src-server', 'cli.ts'), server),
    bundleNodeEntry(join(ROOT, 'src-server', 'admin', 'cli.ts'), admin),
  ]);
  process.env.RELAY_TEST_SERVER_BUNDLE = server;
  // admin-cli.test.ts runs the admin CLI a dozen times (its server child stays on tsx, as production).
  process.env.RELAY_TEST_ADMIN_BUNDLE = admin;
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
