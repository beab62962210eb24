/**
 * `npm start`: finding Electron without downloading it, the one-line refusal without it, and the
 * launch with ELECTRON_OVERRIDE_DIST_PATH (a stand-in executable records how it was started).
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
// @ts-expect-error -- plain .mjs scripts, no type declarations
import { findElectronBinary } from './electron-binary.mjs';
// @ts-expect-error -- plain .mjs scripts, no type declarations
import { runStart, StartError } from './start.mjs';

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

describe('npm start', () => {
  it('without an Electron binary prints one line naming `npm run web` and exits non-zero', async () => {
    const emptyDist = await tempDir();
    const run = spawnSync(process.execPath, ['scripts/start.mjs'], {
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: emptyDist },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('npm run web');
  });

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
      const server = { kill: vi.fn() };
      const steps = { build: vi.fn(), native: vi.fn(), ensureServer: vi.fn(async () => server) };
      const log = { log: vi.fn(), warn: vi.fn(), error: vi.fn() };
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

  it('fetches a missing binary through the electron package first, and says in one line when it cannot', async () => {
    const electronDir = await tempDir();
    const log = { log: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const steps = {
      fetchElectron: vi.fn(() => ({ ok: false, reason: 'RequestError: getaddrinfo ENOTFOUND' })),
      build: vi.fn(),
      native: vi.fn(),
      ensureServer: vi.fn(),
    };
    const code = await runStart({ argv: [], env: {}, steps, log, electronDir });
    expect(code).toBe(1);
    expect(steps.fetchElectron).toHaveBeenCalledOnce();
    expect(log.error).toHaveBeenCalledOnce();
    const [line] = log.error.mock.calls[0]!;
    expect(line).toContain('could not be downloaded: RequestError: getaddrinfo ENOTFOUND');
    expect(line).toContain('npm run web');
    expect(steps.build).not.toHaveBeenCalled();
  });

  it('never downloads when ELECTRON_OVERRIDE_DIST_PATH names a folder without Electron', async () => {
    const log = { log: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const steps = { fetchElectron: vi.fn(), build: vi.fn(), native: vi.fn(), ensureServer: vi.fn() };
    const code = await runStart({
      argv: [],
      env: { ELECTRON_OVERRIDE_DIST_PATH: await tempDir() },
      steps,
      log,
    });
    expect(code).toBe(1);
    expect(steps.fetchElectron).not.toHaveBeenCalled();
    expect(log.error).toHaveBeenCalledOnce();
  });

  it('stops with one clear line when better-sqlite3 cannot be had for Electron', async () => {
    const dist = await tempDir();
    await writeFile(join(dist, 'electron'), '');
    const log = { log: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const steps = {
      build: vi.fn(),
      native: () => {
        throw new StartError('could not get better-sqlite3 for Electron 45.5.0');
      },
      ensureServer: vi.fn(),
    };
    const code = await runStart({
      argv: ['--no-build'],
      env: { ELECTRON_OVERRIDE_DIST_PATH: dist },
      steps,
      log,
    });
    expect(code).toBe(1);
    expect(log.error).toHaveBeenCalledExactlyOnceWith(
      'Relay: could not get better-sqlite3 for Electron 45.5.0.',
    );
    expect(steps.build).not.toHaveBeenCalled();
    expect(steps.ensureServer).not.toHaveBeenCalled();
  });

  it('refuses a server URL that is not one, in one line', async () => {
    const dist = await tempDir();
    await writeFile(join(dist, 'electron'), '');
    const log = { log: vi.fn(), warn: vi.fn(), error: vi.fn() };
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
