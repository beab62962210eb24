/**
 * kill -9 of the app (a core in a child process) while 500 messages are queued and flushing:
 * restarted on the same folder, every message reaches the server exactly once, in order.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, it } from 'vitest';
import { login, startTestServer } from '../../src-server/testing';
import { createTestCore, makeUserData, waitFor } from './testing/harness';
import { acceptedSoFar, verify } from './testing/invariants';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e: unknown) => errors.push(e));
  if (errors.length > 0) throw errors[0];
});

/**
 * Runs a core in a child process that queues `count` messages and goes online, kills it with
 * SIGKILL when `when` says, restarts a core on the same folder and checks the outbox invariant.
 */
async function killAndRestart(when: 'flushing' | 'queued', prefix: string): Promise<void> {
  const server = await startTestServer({ messageRateLimit: 0 });
  cleanups.push(() => server.close());
  const userData = await makeUserData();
  cleanups.push(() => rm(userData, { recursive: true, force: true }));
  const { token } = await login(server.url, 'alice');
  const count = 500;

  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src-main/core/testing/child-core.ts', userData, server.url, String(count), prefix],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  const base = await acceptedSoFar(server.url, token);
  const queued = await new Promise<{ general: string; random: string }>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('{"queued"'));
      if (!line) return;
      // Right after the last sendMessage returned: nothing but the commits can have kept them.
      if (when === 'queued') child.kill('SIGKILL');
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  const ids = [queued.general, queued.random];
  if (when === 'flushing') {
    // Kill as soon as the flush has visibly begun.
    await waitFor(async () => (await acceptedSoFar(server.url, token)) > base, 'flush started');
    child.kill('SIGKILL');
  }
  await exited;
  const atKill = (await acceptedSoFar(server.url, token)) - base;
  console.info(`kill -9 (${when}) with ${atKill}/${count} on the server`);

  const restarted = await createTestCore({ userData });
  cleanups.push(() => restarted.close({ keep: true }));
  const expected = new Map(ids.map((id, c) => [id, Array.from({ length: count / 2 }, (_, i) => 2 * i + c)]));
  await verify(restarted, server.url, prefix, expected);
}

describe('the outbox under a crash', () => {
  it('survives kill -9 of the app mid-flush: restarted on the same folder, everything sent exactly once, in order', async () => {
    await killAndRestart('flushing', 'k-');
  }, 90_000);

  it('survives kill -9 right after the last sendMessage returned (synchronous = NORMAL commits): nothing lost', async () => {
    await killAndRestart('queued', 'q-');
  }, 90_000);
});
