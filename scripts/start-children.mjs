/**
 * The processes `npm start` runs and stops: the demo server, the browser host, and the OS's "open this
 * address" command. Each child is started with its output piped so that the line it announces itself
 * with (the server's `listening` log, the host's `open URL` line) can be read, then passed through.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './electron-binary.mjs';

/** A failure the user can act on: printed as one line, exit 1. */
export class StartError extends Error {}

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];
const SERVER_UP_MS = 60_000;
/** The host builds the renderer first when its sources changed: generous on a loaded machine. */
const HOST_UP_MS = 5 * 60_000;

/**
 * The demo server at `url`, unless one already answers there. Port 0 means "any free port" (tests): a
 * free one is picked first, since nothing can answer on port 0 and the app needs a fixed address.
 * @returns {Promise<{ url: string, child: import('node:child_process').ChildProcess | null }>}
 */
export async function ensureServer(url, log) {
  const { hostname, port } = new URL(url);
  if (port !== '0' && (await healthy(url))) {
    log.log(`Relay: using the server already answering at ${url}`);
    return { url, child: null };
  }
  if (!LOOPBACK.includes(hostname)) throw new StartError(`the server at ${url} does not answer /healthz`);
  const host = hostname.replace(/^\[|\]$/g, '');
  const listenPort = port === '0' ? await freePort(host) : port || '80';
  const origin = new URL(url);
  origin.port = String(listenPort);
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src-server', 'cli.ts'),
      '--demo',
      '--host',
      host,
      '--port',
      String(listenPort),
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  for (let waited = 0; waited < SERVER_UP_MS && child.exitCode === null; waited += 250) {
    if (await healthy(origin.origin)) {
      log.log(
        `Relay: started the demo server at ${origin.origin} (users alice, bob, carol; password "password")`,
      );
      return { url: origin.origin, child };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stopChild(child, 'SIGTERM');
  throw new StartError(`the demo server did not come up at ${origin.origin} (see above)`);
}

function freePort(host) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The browser host (`npm run web`) on that server. Its address is whatever it prints (it may carry a
 * one-time token), so it is read from its output, never rebuilt here.
 * @returns {Promise<{ url: string, child: import('node:child_process').ChildProcess }>}
 */
export async function startBrowserHost({ serverUrl, port, userData, build }) {
  const args = [join(ROOT, 'scripts', 'web.mjs'), '--server', serverUrl, '--port', String(port)];
  if (userData) args.push('--user-data', userData);
  if (!build) args.push('--no-build');
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  // The address line is not passed on: `npm start` prints its own, with the same address.
  const url = await firstLine(child, HOST_UP_MS, (line) => /https?:\/\/[^\s)]+/.exec(line)?.[0] ?? null, {
    echo: (line) => !/https?:\/\//.test(line),
  });
  if (!url) {
    await stopChild(child, 'SIGINT');
    throw new StartError('the browser host did not start (see above)');
  }
  return { url, child };
}

/** A desktop session can show a browser: never on a headless Linux (no X11 or Wayland display). */
export function canOpenBrowser(env = process.env, platform = process.platform) {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** The OS command that opens a URL in the default browser, as [command, args]. */
export function openCommand(url, platform = process.platform) {
  if (platform === 'darwin') return ['open', [url]];
  // `start` is a cmd built-in; its first quoted argument is a window title, hence the empty one.
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', url.replaceAll('&', '^&')]];
  return ['xdg-open', [url]];
}

export function openBrowser(url) {
  const [command, args] = openCommand(url);
  const opener = spawn(command, args, { stdio: 'ignore', detached: true });
  opener.on('error', () => {}); // no opener installed: the printed address is still there
  opener.unref();
}

/** Signals a child and waits for it to exit; SIGKILL if it has not after `graceMs`. */
export async function stopChild(child, signal, graceMs = 10_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function healthy(url) {
  try {
    return (await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Reads a child's stdout line by line until `pick` returns a value (resolved with it) or the child
 * exits or takes too long (null). Every line is passed on to our stdout unless `echo` says not.
 */
function firstLine(child, timeoutMs, pick, { echo = () => true } = {}) {
  return new Promise((resolve) => {
    let found = false;
    const lines = createInterface({ input: child.stdout });
    const done = (value) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(value);
    };
    const onExit = () => done(null);
    const timer = setTimeout(() => done(null), timeoutMs);
    child.once('exit', onExit);
    lines.on('line', (line) => {
      if (echo(line) || found) process.stdout.write(`${line}\n`);
      if (found) return;
      const value = pick(line);
      if (value) {
        found = true;
        done(value);
      }
    });
  });
}
