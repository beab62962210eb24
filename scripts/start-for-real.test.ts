/**
 * `npm start` on this machine, for real: no Electron binary can be had here, so it must end in the
 * browser host. Real child processes (the script, the demo server, the host), real Chromium through the
 * address the script printed: sign in, send, then Ctrl+C (SIGINT) and nothing it started is left.
 *
 * Every process it starts inherits a marker variable, so "nothing left running" is checked by looking
 * for that marker in every process's environment (/proc), not by trusting the script's word.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Browser, chromium } from '@playwright/test';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium';
// @ts-expect-error -- plain .mjs scripts, no type declarations
import { findElectronBinary } from './electron-binary.mjs';

const ROOT = join(import.meta.dirname, '..');
const MARKER = 'RELAY_START_TEST_RUN';

/** Pids of live processes whose environment carries MARKER=run (this process's children and theirs). */
async function processesOf(run: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = await readFile(`/proc/${entry}/environ`, 'utf8');
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // A zombie has exited; it only waits for its parent to collect it.
      if (environ.split('\0').includes(`${MARKER}=${run}`) && !/\) Z /.test(stat)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Resolves with the first stdout line matching `pattern` (rejects if the process exits first). */
function lineMatching(child: ChildProcess, pattern: RegExp, seen: string[]): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      seen.push(line);
      const match = pattern.exec(line);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before printing ${pattern}`)));
  });
}

const noElectronHere =
  !process.env.ELECTRON_OVERRIDE_DIST_PATH && !findElectronBinary().path && process.platform === 'linux';

describe.runIf(noElectronHere && existsSync(CHROMIUM_PATH))('npm start on a machine without Electron', () => {
  const dirs: string[] = [];
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  // Generous, not a speed bound: the script builds the renderer first when its sources changed.
  it('ends in a working app at the printed address (deep links too), and Ctrl+C leaves nothing running', {
    timeout: 300_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relay-npm-start-'));
    dirs.push(dir);
    const run = randomUUID();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      [MARKER]: run,
      RELAY_SERVER_URL: 'http://127.0.0.1:0',
      RELAY_WEB_PORT: '0',
      RELAY_USER_DATA: join(dir, 'app'),
      DATA_DIR: join(dir, 'server'),
      LOG_LEVEL: 'warn',
    };
    // A headless box: nothing must try to open a browser window.
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const stderr: string[] = [];
    const stdout: string[] = [];
    const start = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    start.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    try {
      const [, address] = await lineMatching(start, /^Relay: open (https?:\/\/\S+)/, stdout);
      // The one line saying why it is not the desktop app, first (a renderer build may warn after it).
      const said = stderr.join('').trim().split('\n');
      expect(said[0]).toMatch(/^Relay: no desktop app here \(.+\); running the same app in your browser/);
      expect(said.filter((line) => line.startsWith('Relay:'))).toHaveLength(1);

      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      const page = await browser.newPage();
      await page.goto(address!);
      // The host was pointed at the server npm start started: the form already names it.
      const serverUrl = await page.getByTestId('login-server').inputValue();
      expect(serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(serverUrl).not.toBe('http://127.0.0.1:0');
      await page.getByTestId('login-username').fill('alice');
      await page.getByTestId('login-password').fill('password');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('connection-status').filter({ hasText: 'Connected' }).waitFor();
      await page
        .getByTestId('channel-list')
        .getByRole('button', { name: /^general(,|$)/ })
        .click();
      const text = `hello from npm start ${run}`;
      const input = page.getByRole('main').getByTestId('message-input');
      await input.fill(text);
      await input.press('Enter');
      await page
        .getByTestId('message')
        .filter({ hasText: text })
        .getByTestId('message-status')
        .filter({ hasText: /^(Sent|Delivered|Read)$/ })
        .waitFor();
      // A deep link in the browser host: /#/channel/ID opens that channel.
      const random = page.getByTestId('channel-list').getByRole('button', { name: /^random(,|$)/ });
      const randomId = await random.getAttribute('data-channel-id');
      await page.evaluate((id) => {
        window.location.hash = `#/channel/${id}`;
      }, randomId);
      await page
        .locator(`[data-testid="channel-item"][data-channel-id="${randomId}"][aria-current="page"]`)
        .waitFor();
      // The server has it: it answers for the demo workspace over HTTP too.
      expect((await fetch(`${serverUrl}/healthz`)).ok).toBe(true);
      expect((await processesOf(run)).length).toBeGreaterThanOrEqual(3); // script, server, host

      const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
      start.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(await processesOf(run)).toEqual([]);
      await expect(fetch(`${serverUrl}/healthz`)).rejects.toThrow();
      await expect(fetch(address!)).rejects.toThrow();
    } catch (error) {
      throw new Error(
        `${(error as Error).message}\n--- stdout\n${stdout.join('\n')}\n--- stderr\n${stderr.join('')}`,
      );
    } finally {
      if (start.exitCode === null) start.kill('SIGKILL');
      for (const pid of await processesOf(run)) process.kill(pid, 'SIGKILL');
    }
  });
});
