#!/usr/bin/env node
/**
 * `npm start [-- --server URL] [--no-build]`: the demo. Finds an Electron binary (on first launch the
 * electron package's own installer fetches it, as `require('electron')` would), builds the app, makes sure better-sqlite3 exists for Electron's ABI, starts the demo server
 * unless one already answers on the configured URL's /healthz, and launches the desktop app pointed at
 * it. Closing the app stops the server this script started (and only that one).
 *
 * Without an Electron binary (offline, or ELECTRON_OVERRIDE_DIST_PATH without one) it prints one line
 * naming `npm run web` and exits 1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { electronVersion, findElectronBinary, noElectronLine, ROOT } from './electron-binary.mjs';
import { buildNative } from './native-electron.mjs';

/** A failure the user can act on: printed as one line, exit 1. */
export class StartError extends Error {}

/** The real steps; the test replaces the slow ones (build, native, server) to check the orchestration. */
export const defaultSteps = {
  /** The electron package's lazy fetch, its output kept back so that a failure stays one line. */
  fetchElectron() {
    const installer = join(ROOT, 'node_modules', 'electron', 'install.js');
    const result = spawnSync(process.execPath, [installer], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 15 * 60_000,
    });
    if (result.status === 0) return { ok: true };
    const said = `${result.stderr ?? ''}\n${result.error?.message ?? ''}`
      .split('\n')
      .map((line) => line.trim())
      .find((line) => /error/i.test(line) && !line.startsWith('at '));
    return { ok: false, reason: said ?? 'the download failed' };
  },
  build() {
    const electronVite = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
    const result = spawnSync(process.execPath, [electronVite, 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (result.status !== 0) throw new StartError('the build failed (see above)');
  },
  native(distDir) {
    const result = buildNative({ version: electronVersion(distDir) });
    if (!result.ok) {
      throw new StartError(
        `${result.reason}; the desktop app cannot open its database without it (npm run web can)`,
      );
    }
  },
  ensureServer,
};

/**
 * @returns {Promise<number>} the exit code
 */
export async function runStart({
  argv = process.argv.slice(2),
  env = process.env,
  steps = defaultSteps,
  log = console,
  electronDir = undefined,
} = {}) {
  const { values } = parseArgs({
    args: argv,
    options: { server: { type: 'string' }, 'no-build': { type: 'boolean' } },
  });
  let electron = findElectronBinary({ env, electronDir });
  if (!electron.path && !env.ELECTRON_OVERRIDE_DIST_PATH) {
    const fetched = steps.fetchElectron();
    electron = fetched.ok
      ? findElectronBinary({ env, electronDir })
      : { path: null, reason: `it could not be downloaded: ${fetched.reason}` };
  }
  if (!electron.path) {
    log.error(noElectronLine(electron.reason));
    return 1;
  }
  let server = null;
  try {
    const serverUrl = serverOrigin(values.server ?? env.RELAY_SERVER_URL ?? 'http://127.0.0.1:3000');
    if (!values['no-build']) steps.build();
    steps.native(electron.distDir);
    server = await steps.ensureServer(serverUrl, log);
    const app = spawn(electron.path, electronArgs(log), {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...env, RELAY_SERVER_URL: serverUrl, ELECTRON_RUN_AS_NODE: undefined },
    });
    const forward = (signal) => app.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const code = await new Promise((resolve) => {
      app.once('error', (error) => {
        log.error(`Relay: could not launch ${electron.path}: ${error.message}.`);
        resolve(1);
      });
      app.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    return code;
  } catch (error) {
    if (!(error instanceof StartError)) throw error;
    log.error(`Relay: ${error.message}.`);
    return 1;
  } finally {
    server?.kill('SIGTERM');
  }
}

function serverOrigin(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new StartError(`the server URL "${value}" is not a URL (--server http://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new StartError(`the server URL must be http(s), not ${value}`);
  return url.origin;
}

function electronArgs(log) {
  // Chromium's OS sandbox refuses to run as root (containers, CI): say so rather than fail obscurely.
  // The renderer keeps `sandbox: true` (no Node, context isolation); only the OS layer is off.
  if (process.platform === 'linux' && process.getuid?.() === 0) {
    log.warn("Relay: running as root, so Chromium's OS sandbox is off (--no-sandbox).");
    return ['.', '--no-sandbox'];
  }
  return ['.'];
}

/** @returns {Promise<import('node:child_process').ChildProcess | null>} the server this started, if any */
async function ensureServer(url, log) {
  if (await healthy(url)) {
    log.log(`Relay: using the server already answering at ${url}`);
    return null;
  }
  const { hostname, port } = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) {
    throw new StartError(`the server at ${url} does not answer /healthz`);
  }
  log.log(`Relay: starting the demo server at ${url} (users alice, bob, carol; password "password")`);
  const host = hostname.replace(/^\[|\]$/g, '');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src-server', 'cli.ts'), '--demo', '--host', host, '--port', port || '80'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  for (let waited = 0; waited < 30_000 && child.exitCode === null; waited += 250) {
    if (await healthy(url)) return child;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGTERM');
  throw new StartError(`the demo server did not come up at ${url}`);
}

async function healthy(url) {
  try {
    return (await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit(await runStart());
}
