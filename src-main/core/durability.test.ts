/**
 * The outbox's promise under failure: every queued message reaches the server exactly once, in
 * per-channel order, and ends Sent locally — through a kill -9 and restart of the server, the server
 * down for a while, and a connection cut and stalled in the middle (kill -9 of the app: crash.test.ts).
 */
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { makeTempDir, spawnServer, startTestServer } from '../../src-server/testing';
import { cleanupAfterEach } from './testing/cleanups';
import { channelId, createTestCore, signIn, waitFor } from './testing/harness';
import { acceptedSoFar, flushUnderWay, queueOffline, verify } from './testing/invariants';
import { startProxy } from './testing/proxy';

const cleanups = cleanupAfterEach();

describe('the outbox under failure', () => {
  it('survives the server killed (-9) and restarted mid-flush', async () => {
    const dataDir = await makeTempDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    let server = await spawnServer({ dataDir, env: { MESSAGE_RATE_LIMIT: '0' } });
    cleanups.push(() => server.kill());
    const t = await createTestCore();
    cleanups.push(() => t.close());
    await signIn(t, server.url, 'alice');
    const { expected } = await flushUnderWay(t, server.url, 's-', 200);
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
    let server = await startTestServer({ dataDir, messageRateLimit: 0 });
    cleanups.push(() => server.close());
    const t = await createTestCore();
    cleanups.push(() => t.close());
    await signIn(t, server.url, 'alice');

    await server.close();
    await waitFor(
      async () => (await t.core.handlers.getSession(undefined)).connection !== 'connected',
      'offline',
    );
    const expected = await queueOffline(t, 'd-', 60);
    t.core.networkChanged(true);
    // Several reconnect attempts fail while it is down.
    await waitFor(() => t.of('connection').filter((c) => c.state === 'connecting').length >= 3, 'retrying');
    expect((await t.core.handlers.listOutbox(undefined)).length).toBe(60);
    // The same server (same data, same port) comes back.
    server = await startTestServer({ dataDir, port: server.port, messageRateLimit: 0 });
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
    const { expected, token, base } = await flushUnderWay(t, server.url, 'p-', 200);
    proxy.cut();
    await waitFor(async () => (await acceptedSoFar(server.url, token)) >= base + 60, 'flush resumed');
    proxy.stall();
    // Sent into the stalled connection: no ack comes, so the core must notice and replace it.
    const general = await channelId(t, 'general');
    for (let i = 200; i < 210; i++) {
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
