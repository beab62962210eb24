#!/usr/bin/env node
/**
 * `npm start [-- --server URL] [--no-build]`: the demo, always ending in a working app.
 *
 * 1. Finds an Electron binary (on first launch the electron package's own installer fetches it, as
 *    `require('electron')` would) and better-sqlite3 built for its ABI.
 * 2. Starts the demo server unless one already answers on the configured URL's /healthz.
 * 3. Launches the desktop app pointed at it; or, when the desktop app cannot run here (no Electron
 *    binary to be had, or no better-sqlite3 for it), says so in one line and runs the browser host
 *    (`npm run web`) on that server instead, printing the address it gives and opening it where a
 *    desktop session exists.
 *
 * Ctrl+C (SIGINT) or SIGTERM stops everything this started, and only that. Environment:
 * RELAY_SERVER_URL (http://127.0.0.1:3000; port 0 = any free port), RELAY_WEB_PORT (5180; 0 = any),
 * RELAY_USER_DATA (the app's data folder), DATA_DIR (the demo server's), ELECTRON_OVERRIDE_DIST_PATH.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { electronVersion, findElectronBinary, noElectronLine, ROOT } from './electron-binary.mjs';
import { buildNative } from './native-electron.mjs';
import {
  canOpenBrowser,
  ensureServer,
  openBrowser,
  StartError,
  startBrowserHost,
  stopChild,
} from './start-children.mjs';

export { StartError };

const DEFAULT_SERVER = 'http://127.0.0.1:3000';
const DEFAULT_WEB_PORT = '5180';

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
    if (!result.ok)
      throw new StartError(`${result.reason}; the desktop app cannot open its database without it`);
  },
  ensureServer,
  startBrowserHost,
  canOpenBrowser,
  openBrowser,
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
  // From the first moment: a Ctrl+C during the build or the server's start still stops what started.
  const stop = stopSignal();
  const started = { server: null, app: null };
  try {
    const { values } = parseArgs({
      args: argv,
      options: { server: { type: 'string' }, 'no-build': { type: 'boolean' } },
    });
    const serverUrl = serverOrigin(values.server ?? env.RELAY_SERVER_URL ?? DEFAULT_SERVER);
    const build = !values['no-build'];
    const desktop = findDesktop({ env, steps, electronDir });
    if (!desktop.ok) {
      log.warn(noElectronLine(desktop.reason));
      return await runInBrowser({ serverUrl, build, env, steps, log, stop, started });
    }
    if (build) steps.build();
    const server = await steps.ensureServer(serverUrl, log);
    started.server = server.child;
    if (stop.requested) return 0;
    return await runDesktop({ electron: desktop.electron, serverUrl: server.url, env, log, stop, started });
  } catch (error) {
    if (!(error instanceof StartError)) throw error;
    log.error(`Relay: ${error.message}.`);
    return 1;
  } finally {
    stop.dispose();
    await stopChild(started.app, 'SIGINT');
    await stopChild(started.server, 'SIGTERM');
  }
}

/** The desktop app can run when there is an Electron binary (fetched if need be) and a database driver for it. */
function findDesktop({ env, steps, electronDir }) {
  let electron = findElectronBinary({ env, electronDir });
  if (!electron.path && !env.ELECTRON_OVERRIDE_DIST_PATH) {
    const fetched = steps.fetchElectron();
    electron = fetched.ok
      ? findElectronBinary({ env, electronDir })
      : { path: null, reason: `it could not be downloaded: ${fetched.reason}` };
  }
  if (!electron.path) return { ok: false, reason: `no Electron binary: ${electron.reason}` };
  try {
    steps.native(electron.distDir);
  } catch (error) {
    if (!(error instanceof StartError)) throw error;
    return { ok: false, reason: error.message };
  }
  return { ok: true, electron };
}

async function runDesktop({ electron, serverUrl, env, log, stop, started }) {
  const app = spawn(electron.path, electronArgs(log), {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...env, RELAY_SERVER_URL: serverUrl, ELECTRON_RUN_AS_NODE: undefined },
  });
  started.app = app;
  return new Promise((resolve) => {
    app.once('error', (error) => {
      log.error(`Relay: could not launch ${electron.path}: ${error.message}.`);
      resolve(1);
    });
    app.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    // Electron quits cleanly on SIGINT/SIGTERM; its exit then resolves this.
    stop.then((signal) => app.kill(signal));
  });
}

async function runInBrowser({ serverUrl, build, env, steps, log, stop, started }) {
  const server = await steps.ensureServer(serverUrl, log);
  started.server = server.child;
  if (stop.requested) return 0;
  const host = await steps.startBrowserHost({
    serverUrl: server.url,
    port: env.RELAY_WEB_PORT || DEFAULT_WEB_PORT,
    userData: env.RELAY_USER_DATA,
    build,
  });
  started.app = host.child;
  if (stop.requested) return 0;
  log.log(`Relay: open ${host.url}  (sign in as alice, bob or carol, password "password"; Ctrl+C stops)`);
  if (steps.canOpenBrowser(env)) steps.openBrowser(host.url);
  const ended = new Promise((resolve) => host.child.once('exit', (code) => resolve({ code })));
  const outcome = await Promise.race([stop.then(() => ({ code: 0, stopped: true })), ended]);
  if (!outcome.stopped) log.error(`Relay: the browser host stopped (exit ${outcome.code ?? 1}).`);
  return outcome.stopped ? 0 : (outcome.code ?? 1) || 1;
}

/** A promise of the first SIGINT/SIGTERM, with `requested` set once one came. */
function stopSignal() {
  let onSignal;
  const stop = new Promise((resolve) => {
    onSignal = (signal) => {
      stop.requested = true;
      resolve(signal);
    };
  });
  stop.requested = false;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  stop.dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  return stop;
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit(await runStart());
}
