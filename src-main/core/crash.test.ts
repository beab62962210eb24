/**
 * kill -9 of the app (a core in a child process) while 500 messages are queued and flushing:
 * restarted on the same folder, every message reaches the server exactly once, in order.
 */
import { rm } from 'node:fs/promises';
import { describe, it } from 'vitest';
import { login, startTestServer } from '../../src-server/testing';
import { cleanupAfterEach } from './testing/cleanups';
import { createTestCore, makeUserData, waitFor } from './testing/harness';
import { acceptedSoFar, verify } from './testing/invariants';
import { spawnCoreChild } from './testing/spawn-child';

const cleanups = cleanupAfterEach();

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

  const base = await acceptedSoFar(server.url, token);
  const child = spawnCoreChild(
    'src-main/core/testing/child-core.ts',
    [userData, server.url, String(count), prefix],
    // Right after the last sendMessage returned: nothing but the commits can have kept them.
    (process) => when === 'queued' && process.kill('SIGKILL'),
  );
  cleanups.push(() => child.kill());
  const queued = (await child.queued) as { general: string; random: string };
  const ids = [queued.general, queued.random];
  if (when === 'flushing') {
    // Kill as soon as the flush has visibly begun.
    await waitFor(async () => (await acceptedSoFar(server.url, token)) > base, 'flush started');
  }
  await child.kill();
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
