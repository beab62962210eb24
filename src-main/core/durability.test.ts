/**
 * The outbox's promise under failure: every queued message reaches the server exactly once, in
 * per-channel order, and ends Sent locally — through a kill -9 of the app, a kill -9 and restart of
 * the server, the server down for a while, and a connection cut and stalled in the middle.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { login, makeTempDir, spawnServer, startTestServer } from '../../src-server/testing';
import type { Message } from '../../src-shared/protocol';
import {
  assertExactlyOnceInOrder,
  channelId,
  createTestCore,
  makeUserData,
  outboxEmpty,
  serverMessages,
  signIn,
  type TestCore,
  waitFor,
} from './testing/harness';
import { startProxy } from './testing/proxy';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** Queues `count` numbered messages alternating general/random while offline, then goes online. */
async function queueOffline(t: TestCore, prefix: string, count: number): Promise<Map<string, number[]>> {
  const ids = [await channelId(t, 'general'), await channelId(t, 'random')] as const;
  const expected = new Map<string, number[]>(ids.map((id) => [id, []]));
  t.core.networkChanged(false);
  for (let i = 0; i < count; i++) {
    const id = ids[i % 2] as string;
    await t.core.handlers.sendMessage({ channelId: id, content: `${prefix}${i}` });
    expected.get(id)?.push(i);
  }
  return expected;
}

async function onServer(url: string, token: string, ids: Iterable<string>): Promise<Map<string, Message[]>> {
  const byChannel = new Map<string, Message[]>();
  for (const id of ids) byChannel.set(id, await serverMessages(url, token, id));
  return byChannel;
}

async function countOnServer(
  url: string,
  token: string,
  ids: Iterable<string>,
  prefix: string,
): Promise<number> {
  let n = 0;
  for (const messages of (await onServer(url, token, ids)).values()) {
    n += messages.filter((m) => m.content.startsWith(prefix)).length;
  }
  return n;
}

/** Locally: every numbered message once, none left Sending or Failed. */
async function assertAllSentLocally(
  t: TestCore,
  prefix: string,
  expected: Map<string, number[]>,
): Promise<void> {
  expect(await t.core.handlers.listOutbox(undefined)).toEqual([]);
  for (const [id, numbers] of expected) {
    const page = await t.core.handlers.listMessages({ channelId: id, limit: 500 });
    const mine = page.messages.filter((m) => m.content.startsWith(prefix));
    expect(mine.map((m) => Number(m.content.slice(prefix.length)))).toEqual(numbers);
    expect(new Set(mine.map((m) => m.status))).toEqual(new Set(['Sent']));
  }
}

async function verify(t: TestCore, url: string, prefix: string, expected: Map<string, number[]>) {
  await waitFor(() => outboxEmpty(t), 'outbox empty');
  const { token } = await login(url, 'alice');
  assertExactlyOnceInOrder(await onServer(url, token, expected.keys()), prefix, expected);
  await assertAllSentLocally(t, prefix, expected);
}

describe('the outbox under failure', () => {
  it('survives kill -9 of the app mid-flush: restarted on the same folder, everything sent exactly once, in order', async () => {
    const server = await startTestServer({ messageRateLimit: 0 });
    cleanups.push(() => server.close());
    const userData = await makeUserData();
    cleanups.push(() => rm(userData, { recursive: true, force: true }));
    const { token } = await login(server.url, 'alice');
    const count = 500;

    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'src-main/core/testing/child-core.ts', userData, server.url, String(count), 'k-'],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    cleanups.push(async () => {
      child.kill('SIGKILL');
      await exited;
    });
    const queued = await new Promise<{ general: string; random: string }>((resolve, reject) => {
      let buffer = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const line = buffer.split('\n').find((l) => l.startsWith('{"queued"'));
        if (line) resolve(JSON.parse(line));
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    const ids = [queued.general, queued.random];
    // Kill as soon as the flush has visibly begun.
    await waitFor(async () => (await countOnServer(server.url, token, ids, 'k-')) > 0, 'flush started');
    child.kill('SIGKILL');
    await exited;
    const atKill = await countOnServer(server.url, token, ids, 'k-');
    console.info(`kill -9 with ${atKill}/${count} on the server`);

    const restarted = await createTestCore({ userData });
    cleanups.push(() => restarted.close({ keep: true }));
    const expected = new Map(
      ids.map((id, c) => [id, Array.from({ length: count / 2 }, (_, i) => 2 * i + c)]),
    );
    await verify(restarted, server.url, 'k-', expected);
  }, 90_000);

  it('survives the server killed (-9) and restarted mid-flush', async () => {
    const dataDir = await makeTempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    let server = await spawnServer({ dataDir, env: { MESSAGE_RATE_LIMIT: '0' } });
    cleanups.push(() => server.kill());
    const t = await createTestCore();
    cleanups.push(() => t.close());
    await signIn(t, server.url, 'alice');
    const { token } = await login(server.url, 'alice');

    const expected = await queueOffline(t, 's-', 300);
    t.core.networkChanged(true);
    await waitFor(
      async () => (await countOnServer(server.url, token, expected.keys(), 's-')) > 0,
      'flush started',
    );
    await server.kill('SIGKILL');
    await waitFor(
      async () => (await t.core.handlers.getSession(undefined)).connection !== 'connected',
      'noticed',
    );
    server = await spawnServer({ dataDir, port: server.port, env: { MESSAGE_RATE_LIMIT: '0' } });
    await verify(t, server.url, 's-', expected);
  }, 90_000);

  it('waits out a server that is down, then sends everything once it is back', async () => {
    const dataDir = await makeTempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    let server = await spawnServer({ dataDir, env: { MESSAGE_RATE_LIMIT: '0' } });
    cleanups.push(() => server.kill());
    const t = await createTestCore();
    cleanups.push(() => t.close());
    await signIn(t, server.url, 'alice');

    await server.stop();
    await waitFor(
      async () => (await t.core.handlers.getSession(undefined)).connection !== 'connected',
      'offline',
    );
    const expected = await queueOffline(t, 'd-', 60);
    t.core.networkChanged(true);
    // Several reconnect attempts fail while it is down.
    await waitFor(() => t.of('connection').filter((c) => c.state === 'connecting').length >= 3, 'retrying');
    expect((await t.core.handlers.listOutbox(undefined)).length).toBe(60);
    server = await spawnServer({ dataDir, port: server.port, env: { MESSAGE_RATE_LIMIT: '0' } });
    await verify(t, server.url, 'd-', expected);
  }, 90_000);

  it('survives the connection cut and then stalled by a proxy mid-flush', async () => {
    const server = await startTestServer({ messageRateLimit: 0 });
    cleanups.push(() => server.close());
    const proxy = await startProxy(server.port);
    cleanups.push(() => proxy.close());
    const t = await createTestCore({ options: { ackTimeoutMs: 1_500, connectTimeoutMs: 3_000 } });
    cleanups.push(() => t.close());
    await signIn(t, proxy.url, 'alice');
    const { token } = await login(server.url, 'alice');

    const expected = await queueOffline(t, 'p-', 300);
    t.core.networkChanged(true);
    await waitFor(
      async () => (await countOnServer(server.url, token, expected.keys(), 'p-')) > 0,
      'flush started',
    );
    proxy.cut();
    await waitFor(
      async () => (await countOnServer(server.url, token, expected.keys(), 'p-')) >= 100,
      'flush resumed',
    );
    proxy.stall();
    // Sent into the stalled connection: no ack comes, so the core must notice and replace it.
    const general = await channelId(t, 'general');
    for (let i = 300; i < 310; i++) {
      await t.core.handlers.sendMessage({ channelId: general, content: `p-${i}` });
      expected.get(general)?.push(i);
    }
    await waitFor(
      async () => (await t.core.handlers.getSession(undefined)).connection !== 'connected',
      'stall noticed',
    );
    proxy.heal();
    await verify(t, proxy.url, 'p-', expected);
  }, 90_000);
});
