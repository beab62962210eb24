#!/usr/bin/env node
/**
 * `npm run test:e2e`: QA's Playwright suite (e2e/), one set of specs on two targets.
 *
 *   E2E_TARGET=auto (default)  the browser target always; the Electron target too where an Electron
 *                              binary exists (node_modules/electron's, or ELECTRON_OVERRIDE_DIST_PATH),
 *                              otherwise its specs are reported as skipped with the reason
 *   E2E_TARGET=browser         the browser host in Debian's Chromium only
 *   E2E_TARGET=electron        the desktop app only (fails when there is no Electron binary)
 *
 * Builds what the chosen targets need (the renderer; for Electron the whole app and better-sqlite3
 * for Electron's ABI), prints one line naming the targets and why, runs Playwright with any extra
 * arguments passed through (`npm run test:e2e -- -g offline`), and exits with Playwright's status.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { electronVersion, findElectronBinary, ROOT } from './electron-binary.mjs';
import { bundleNodeEntry } from './node-bundle.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const requested = (process.env.E2E_TARGET ?? 'auto').toLowerCase();
if (!['auto', 'browser', 'electron'].includes(requested)) {
  fail(`E2E_TARGET must be auto, browser or electron, not "${requested}"`);
}

const electron = requested === 'browser' ? null : findElectronBinary();
const runBrowser = requested !== 'electron';
// Electron opens real windows: on Linux without a display, run it under xvfb-run when there is one.
const headlessLinux = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const xvfb = headlessLinux ? which('xvfb-run') : null;
let electronSkip = !electron
  ? null
  : !electron.path
    ? `no Electron binary (${electron.reason})`
    : headlessLinux && !xvfb
      ? 'no display for its windows (no DISPLAY, no xvfb-run): install xvfb or run under xvfb-run'
      : null;

if (requested === 'electron' && electronSkip) fail(`E2E_TARGET=electron, but ${electronSkip}`);
if (runBrowser && !existsSync(CHROMIUM)) {
  fail(`no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does), or set CHROMIUM_PATH`);
}

if (electron && !electronSkip) {
  run('electron-vite build', [
    join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'build',
  ]);
  // The desktop app's database needs better-sqlite3 built for Electron's ABI (fetched or compiled once).
  const { buildNative } = await import('./native-electron.mjs');
  const native = buildNative({ version: electronVersion(electron.distDir) });
  if (!native.ok) {
    if (requested === 'electron') fail(`better-sqlite3 for Electron: ${native.reason}`);
    electronSkip = `no better-sqlite3 build for Electron (${native.reason})`;
  }
}
const runElectron = electron !== null && electronSkip === null;
console.log(targetLine());

// Each run writes its own artifacts folder, so runs started side by side do not delete each other's.
const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
pruneOldRuns(join(ROOT, 'test-results', 'e2e'));
pruneOldRuns(join(ROOT, 'test-results', 'e2e-report'));
pruneOldRuns(join(ROOT, 'test-results', 'e2e-renderer'));
pruneOldRuns(join(ROOT, 'test-results', 'e2e-node'));
// The browser hosts serve this run's own build of the renderer: any `vite build` on this checkout
// empties out/renderer, and must not pull the page from under a running test (nor this run's build
// from under someone else's).
const rendererCopy = join(ROOT, 'test-results', 'e2e-renderer', runId);
if (runBrowser) {
  run('renderer build', [
    join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
    'build',
    '--config',
    'vite.renderer.config.ts',
    '--outDir',
    rendererCopy,
    '--emptyOutDir',
    '--logLevel',
    'warn',
  ]);
}

// Every test starts its own server and, in the browser target, a host per user: run from one bundle
// each (scripts/node-bundle.mjs), they load in about half the CPU they take from source under tsx.
const nodeBundles = join(ROOT, 'test-results', 'e2e-node', runId);
const serverEntry = join(nodeBundles, 'server.mjs');
const hostEntry = join(nodeBundles, 'web-host.mjs');
try {
  await bundleNodeEntry(join(ROOT, 'src-server', 'cli.ts'), serverEntry);
  if (runBrowser) await bundleNodeEntry(join(ROOT, 'e2e', 'support', 'web-host.ts'), hostEntry);
} catch (error) {
  fail(`bundling the server and the browser host failed: ${error instanceof Error ? error.message : error}`);
}

// The electron project stays in the run without a binary: each of its specs then shows as skipped,
// with the reason, in the list and the HTML report, rather than silently not existing.
const projects = [...(runBrowser ? ['browser'] : []), ...(requested !== 'browser' ? ['electron'] : [])];
const command = [
  process.execPath,
  join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js'),
  'test',
  '--config',
  join(ROOT, 'e2e', 'playwright.config.ts'),
  ...projects.map((p) => `--project=${p}`),
  ...process.argv.slice(2),
];
if (runElectron && xvfb) command.unshift(xvfb, '-a', '--server-args=-screen 0 1280x1024x24');
const env = {
  ...process.env,
  E2E_RUN_ID: runId,
  E2E_RENDERER_DIR: rendererCopy,
  E2E_SERVER_ENTRY: serverEntry,
  ...(runBrowser ? { E2E_HOST_ENTRY: hostEntry } : {}),
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
};
// The electron project's specs skip with this reason (support/fixtures.ts), visibly, in the report.
if (electronSkip) env.E2E_ELECTRON_SKIP = electronSkip;
const playwright = spawnSync(command[0], command.slice(1), { cwd: ROOT, stdio: 'inherit', env });
rmSync(rendererCopy, { recursive: true, force: true });
rmSync(nodeBundles, { recursive: true, force: true });
if (playwright.error) fail(`could not run Playwright: ${playwright.error.message}`);
console.log(`e2e: report test-results/e2e-report/${runId}/index.html, artifacts test-results/e2e/${runId}`);
process.exit(playwright.status ?? 1);

function targetLine() {
  if (requested === 'browser')
    return 'e2e: target browser (E2E_TARGET=browser); Electron target not requested';
  const display = xvfb ? ', under xvfb-run' : '';
  if (requested === 'electron')
    return `e2e: target electron (E2E_TARGET=electron; ${electron.path}${display})`;
  if (runElectron)
    return `e2e: targets browser and electron (Electron binary found: ${electron.path}${display})`;
  return `e2e: target browser; Electron target skipped: ${electronSkip}`;
}

/** Runs older than a day: nobody is still reading those traces. */
function pruneOldRuns(dir) {
  if (!existsSync(dir)) return;
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
  }
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

function run(what, args) {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) fail(`${what} failed (see above)`);
}

function fail(why) {
  console.error(`e2e: ${why}`);
  process.exit(1);
}
