/**
 * The outbox's batches (`message:send:batch`, send-batch.ts) against the real server over real Socket.IO
 * on loopback, with a real core and its SQLite store: a backlog goes in batches and every message ends
 * on the server exactly once, in order, and Sent locally; a batch stored but cut before its ack is
 * replayed by clientMessageId; a server that never said it takes batches gets one `message:send` each;
 * a lone send is a plain `message:send`.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src-server/testing';
import { MAX_SEND_BATCH_ITEMS, MessageEvent, RelayEvent } from '../../src-shared/protocol';
import { cleanupAfterEach } from './testing/cleanups';
import { channelId, createTestCore, outboxEmpty, signIn, waitFor } from './testing/harness';
import { queueOffline, verify } from './testing/invariants';
import { startProxy } from './testing/proxy';

const cleanups = cleanupAfterEach();

type Ack = (...response: unknown[]) => void;

/**
 * What the server's sockets received: events by name, and each batch's size. `swallowFirstBatchAck`:
 * the first batch is handled (stored) and its ack not sent; `then` runs instead (a cut, here).
 */
function watch(server: TestServer, swallowFirstBatchAck?: () => void) {
  const seen = { events: new Map<string, number>(), batchSizes: [] as number[], swallowed: 0 };
  server.io.use((socket, next) => {
    socket.onAny((event: string, payload: { items?: unknown[] }) => {
      seen.events.set(event, (seen.events.get(event) ?? 0) + 1);
      if (event === RelayEvent.SEND_BATCH) seen.batchSizes.push(payload.items?.length ?? 0);
    });
    if (swallowFirstBatchAck) {
      // socket.io makes each event's ack with `ack(id)`: the batch's is the one answered with a list.
      const own = socket as unknown as { ack(id: number): Ack };
      const make = own.ack.bind(socket);
      own.ack = (id) => {
        const ack = make(id);
        return (...response) => {
          if (Array.isArray(response[0]) && seen.swallowed === 0) {
            seen.swallowed = response[0].length;
            swallowFirstBatchAck();
            return;
          }
          ack(...response);
        };
      };
    }
    next();
  });
  return seen;
}

/** A server that never says it takes batches (one that speaks only interface.md). */
function withoutFeatures(server: TestServer): void {
  server.io.use((socket, next) => {
    const untyped = socket as unknown as { emit(event: string, ...args: unknown[]): boolean };
    const emit = untyped.emit.bind(socket);
    untyped.emit = (event, ...args) => (event === RelayEvent.FEATURES ? true : emit(event, ...args));
    next();
  });
}

describe('the outbox in batches', () => {
  it('replays a backlog in batches of at most the cap: each message once, in order, Sent; then a lone send goes alone', async () => {
    const server = await startTestServer({ messageRateLimit: 0 });
    cleanups.push(() => server.close());
    const seen = watch(server);
    const t = await createTestCore();
    cleanups.push(() => t.close());
    await signIn(t, server.url, 'alice');
    const expected = await queueOffline(t, 'b-', 400);
    t.core.networkChanged(true);
    await verify(t, server.url, 'b-', expected);

    const sizes = seen.batchSizes;
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_SEND_BATCH_ITEMS);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2);
    // Most of the backlog went in batches (slow start sends the first few alone).
    expect(sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(300);

    const sends = seen.events.get(MessageEvent.SEND) ?? 0;
    const batches = sizes.length;
    await t.core.handlers.sendMessage({ channelId: await channelId(t, 'general'), content: 'alone' });
    await waitFor(() => outboxEmpty(t), 'the lone send acknowledged');
    expect({ sends: seen.events.get(MessageEvent.SEND), batches: seen.batchSizes.length }).toEqual({
      sends: sends + 1,
      batches,
    });
  }, 90_000);

  it('a batch stored by the server whose ack is lost in a cut is sent again and answered by clientMessageId: each message once', async () => {
    const server = await startTestServer({ messageRateLimit: 0 });
    cleanups.push(() => server.close());
    const proxy = await startProxy(server.port);
    cleanups.push(() => proxy.close());
    const seen = watch(server, () => proxy.cut());
    const t = await createTestCore();
    cleanups.push(() => t.close());
    await signIn(t, proxy.url, 'alice');
    const expected = await queueOffline(t, 'c-', 300);
    t.core.networkChanged(true);
    await verify(t, proxy.url, 'c-', expected);
    expect(seen.swallowed).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it('against a server that never said it takes batches: one message:send a message, each once, in order', async () => {
    const server = await startTestServer({ messageRateLimit: 0 });
    cleanups.push(() => server.close());
    withoutFeatures(server);
    const seen = watch(server);
    const t = await createTestCore();
    cleanups.push(() => t.close());
    await signIn(t, server.url, 'alice');
    const expected = await queueOffline(t, 'n-', 200);
    t.core.networkChanged(true);
    await verify(t, server.url, 'n-', expected);
    expect(seen.batchSizes).toEqual([]);
    expect(seen.events.get(MessageEvent.SEND)).toBe(200);
  }, 90_000);
});
