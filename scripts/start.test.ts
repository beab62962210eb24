/**
 * `npm start`: finding Electron without downloading it, the launch with ELECTRON_OVERRIDE_DIST_PATH (a
 * stand-in executable records how it was started), the browser host in one line when the desktop app
 * cannot run, and (start-for-real.test.ts) the real thing on this machine.
 */
import { EventEmitter } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
// @ts-expect-error -- plain .mjs scripts, no type declarations
import { findElectronBinary } from './electron-binary.mjs';
// @ts-expect-error -- plain .mjs scripts, no type declarations
import { runStart, StartError } from './start.mjs';
// @ts-expect-error -- plain .mjs scripts, no type declarations
import { canOpenBrowser, openCommand } from './start-children.mjs';

const dirs: string[] = [];
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'relay-start-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('findElectronBinary', () => {
  it("finds the electron package's downloaded binary, and only if it is there", async () => {
    const electronDir = await tempDir();
    expect(findElectronBinary({ env: {}, electronDir, platform: 'linux' })).toEqual({
      path: null,
      reason: 'the electron package has not downloaded it and ELECTRON_OVERRIDE_DIST_PATH is not set',
    });
    await writeFile(join(electronDir, 'path.txt'), 'electron');
    expect(findElectronBinary({ env: {}, electronDir }).path).toBeNull();
    await mkdir(join(electronDir, 'dist'));
    await writeFile(join(electronDir, 'dist', 'electron'), '');
    expect(findElectronBinary({ env: {}, electronDir })).toEqual({
      path: join(electronDir, 'dist', 'electron'),
      distDir: join(electronDir, 'dist'),
    });
  });

  it('prefers ELECTRON_OVERRIDE_DIST_PATH, with the platform executable name when path.txt is absent', async () => {
    const electronDir = await tempDir();
    const dist = await tempDir();
    const env = { ELECTRON_OVERRIDE_DIST_PATH: dist };
    expect(findElectronBinary({ env, electronDir, platform: 'win32' })).toEqual({
      path: null,
      reason: 'ELECTRON_OVERRIDE_DIST_PATH has no electron.exe',
    });
    await writeFile(join(dist, 'electron.exe'), '');
    expect(findElectronBinary({ env, electronDir, platform: 'win32' }).path).toBe(join(dist, 'electron.exe'));
  });
});

/** A child process stand-in: `kill` records the signal and exits, as a well-behaved child does. */
function fakeChild() {
  const child = Object.assign(new EventEmitter(), {
    exitCode: null as number | null,
    signalCode: null as string | null,
    kill: vi.fn((signal: string) => {
      child.signalCode = signal;
      queueMicrotask(() => child.emit('exit', null, signal));
      return true;
    }),
  });
  return child;
}

/** Steps for a machine where the browser host runs: a server and a host that exits with `hostExit`. */
function browserSteps(hostExit = 7) {
  const server = fakeChild();
  const host = fakeChild();
  return {
    server,
    host,
    fetchElectron: vi.fn(() => ({ ok: false, reason: 'RequestError: getaddrinfo ENOTFOUND' })),
    build: vi.fn(),
    native: vi.fn(),
    ensureServer: vi.fn(async (url: string) => ({ url: url.replace(':0', ':4100'), child: server })),
    startBrowserHost: vi.fn(async () => {
      setTimeout(() => {
        host.exitCode = hostExit;
        host.emit('exit', hostExit, null);
      }, 10);
      return { url: 'http://127.0.0.1:4200/?token=t0k3n', child: host };
    }),
    canOpenBrowser: vi.fn(() => false),
    openBrowser: vi.fn(),
  };
}

const quietLog = () => ({ log: vi.fn(), warn: vi.fn(), error: vi.fn() });

describe('npm start', () => {
  it.runIf(process.platform !== 'win32')(
    'with ELECTRON_OVERRIDE_DIST_PATH launches it on the app, pointed at the server, then stops that server',
    async () => {
      const dist = await tempDir();
      const record = join(dist, 'launched.txt');
      await writeFile(
        join(dist, 'electron'),
        `#!/bin/sh\necho "$@" > "${record}"\necho "$RELAY_SERVER_URL" >> "${record}"\nexit 3\n`,
      );
      await chmod(join(dist, 'electron'), 0o755);
      const server = fakeChild();
      const steps = {
        build: vi.fn(),
        native: vi.fn(),
        ensureServer: vi.fn(async (url: string) => ({ url, child: server })),
      };
      const log = quietLog();
      const code = await runStart({
        argv: ['--server', 'http://127.0.0.1:3999/'],
        env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist },
        steps,
        log,
      });
      expect(code).toBe(3);
      expect(steps.build).toHaveBeenCalledOnce();
      expect(steps.native).toHaveBeenCalledWith(dist);
      expect(steps.ensureServer).toHaveBeenCalledWith('http://127.0.0.1:3999', log);
      const [args, serverUrl] = (await readFile(record, 'utf8')).trim().split('\n');
      expect(args?.split(' ')[0]).toBe('.');
      expect(serverUrl).toBe('http://127.0.0.1:3999');
      expect(server.kill).toHaveBeenCalledWith('SIGTERM');
      expect(log.error).not.toHaveBeenCalled();
    },
  );

  it('fetches a missing binary first; when it cannot, says so in one line and runs the browser host on the server', async () => {
    const electronDir = await tempDir();
    const log = quietLog();
    const steps = browserSteps();
    const code = await runStart({
      argv: [],
      env: { RELAY_SERVER_URL: 'http://127.0.0.1:0', RELAY_WEB_PORT: '0', RELAY_USER_DATA: '/tmp/x' },
      steps,
      log,
      electronDir,
    });
    expect(steps.fetchElectron).toHaveBeenCalledOnce();
    expect(log.warn).toHaveBeenCalledOnce();
    const [line] = log.warn.mock.calls[0]!;
    expect(line).toContain('could not be downloaded: RequestError: getaddrinfo ENOTFOUND');
    expect(line).toContain('npm run web');
    // No Electron build for an app that will not run; the host builds its renderer itself.
    expect(steps.build).not.toHaveBeenCalled();
    expect(steps.startBrowserHost).toHaveBeenCalledWith({
      serverUrl: 'http://127.0.0.1:4100',
      port: '0',
      userData: '/tmp/x',
      build: true,
    });
    // The host's address exactly as it printed it (token and all), never rebuilt.
    expect(log.log).toHaveBeenCalledWith(
      expect.stringMatching(/^Relay: open http:\/\/127\.0\.0\.1:4200\/\?token=t0k3n /),
    );
    expect(steps.openBrowser).not.toHaveBeenCalled();
    // The host ended on its own: that is said, its code returned, and the server stopped.
    expect(code).toBe(7);
    expect(log.error).toHaveBeenCalledExactlyOnceWith('Relay: the browser host stopped (exit 7).');
    expect(steps.server.kill).toHaveBeenCalledWith('SIGTERM');
  });

  it('opens the printed address only where a desktop session can show it', async () => {
    const steps = browserSteps(0);
    steps.canOpenBrowser.mockReturnValue(true);
    const env = { ELECTRON_OVERRIDE_DIST_PATH: await tempDir(), DISPLAY: ':0' };
    await runStart({ argv: ['--no-build'], env, steps, log: quietLog() });
    expect(steps.canOpenBrowser).toHaveBeenCalledWith(env);
    expect(steps.openBrowser).toHaveBeenCalledExactlyOnceWith('http://127.0.0.1:4200/?token=t0k3n');
    expect(steps.startBrowserHost).toHaveBeenCalledWith(
      expect.objectContaining({ port: '5180', build: false }),
    );

    expect(canOpenBrowser({}, 'linux')).toBe(false);
    expect(canOpenBrowser({ DISPLAY: ':0' }, 'linux')).toBe(true);
    expect(canOpenBrowser({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(canOpenBrowser({}, 'darwin')).toBe(true);
    expect(openCommand('http://h/?a=1&b=2', 'linux')).toEqual(['xdg-open', ['http://h/?a=1&b=2']]);
    expect(openCommand('http://h/', 'darwin')).toEqual(['open', ['http://h/']]);
    expect(openCommand('http://h/?a=1&b=2', 'win32')).toEqual([
      'cmd',
      ['/c', 'start', '""', 'http://h/?a=1^&b=2'],
    ]);
  });

  it('never downloads when ELECTRON_OVERRIDE_DIST_PATH names a folder without Electron', async () => {
    const log = quietLog();
    const steps = browserSteps();
    await runStart({ argv: [], env: { ELECTRON_OVERRIDE_DIST_PATH: await tempDir() }, steps, log });
    expect(steps.fetchElectron).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledOnce();
    expect(steps.startBrowserHost).toHaveBeenCalledOnce();
  });

  it('runs the browser host when better-sqlite3 cannot be had for Electron, saying why in one line', async () => {
    const dist = await tempDir();
    await writeFile(join(dist, 'electron'), '');
    const log = quietLog();
    const steps = {
      ...browserSteps(),
      native: () => {
        throw new StartError('could not get better-sqlite3 for Electron 45.5.0');
      },
    };
    await runStart({ argv: [], env: { ELECTRON_OVERRIDE_DIST_PATH: dist }, steps, log });
    expect(log.warn).toHaveBeenCalledOnce();
    expect(log.warn.mock.calls[0]![0]).toContain('could not get better-sqlite3 for Electron 45.5.0');
    expect(steps.build).not.toHaveBeenCalled();
    expect(steps.startBrowserHost).toHaveBeenCalledOnce();
  });

  it('refuses a server URL that is not one, in one line', async () => {
    const dist = await tempDir();
    await writeFile(join(dist, 'electron'), '');
    const log = quietLog();
    const steps = { build: vi.fn(), native: vi.fn(), ensureServer: vi.fn() };
    const code = await runStart({
      argv: ['--server', 'localhost:3000'],
      env: { ELECTRON_OVERRIDE_DIST_PATH: dist },
      steps,
      log,
    });
    expect(code).toBe(1);
    expect(log.error).toHaveBeenCalledExactlyOnceWith(
      'Relay: the server URL must be http(s), not localhost:3000.',
    );
    expect(steps.build).not.toHaveBeenCalled();
  });
});
