/**
 * `relay:features` read at the boundary (review of stop 25), against the real server over real Socket.IO
 * with a real core: unknown keys are ignored, a cap above the protocol's is held to it, and a malformed
 * announcement (or a cap under two) leaves the app on plain `message:send`s; every message still ends on
 * the server once, in order, and Sent.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src-server/testing';
import { MAX_SEND_BATCH_ITEMS, MessageEvent, RelayEvent } from '../../src-shared/protocol';
import { cleanupAfterEach } from './testing/cleanups';
import { createTestCore, signIn } from './testing/harness';
import { queueOffline, verify } from './testing/invariants';

const cleanups = cleanupAfterEach();

/** The server announces `features` instead of its own; what its sockets received is counted. */
function announce(server: TestServer, features: unknown) {
  const seen = { sends: 0, batchSizes: [] as number[] };
  server.io.use((socket, next) => {
    const untyped = socket as unknown as { emit(event: string, ...args: unknown[]): boolean };
    const emit = untyped.emit.bind(socket);
    untyped.emit = (event, ...args) =>
      event === RelayEvent.FEATURES ? emit(event, features) : emit(event, ...args);
    socket.onAny((event: string, payload: { items?: unknown[] }) => {
      if (event === MessageEvent.SEND) seen.sends++;
      if (event === RelayEvent.SEND_BATCH) seen.batchSizes.push(payload.items?.length ?? 0);
    });
    next();
  });
  return seen;
}

describe('relay:features at the boundary', () => {
  it.each([
    {
      name: 'unknown keys beside sendBatch',
      features: { sendBatch: { maxItems: 8 }, later: { x: [1] } },
      cap: 8,
    },
    {
      name: 'a cap above the protocol’s',
      features: { sendBatch: { maxItems: 1e9 } },
      cap: MAX_SEND_BATCH_ITEMS,
    },
    { name: 'a cap that is a string', features: { sendBatch: { maxItems: '64' } }, cap: 1 },
    { name: 'a cap of one', features: { sendBatch: { maxItems: 1 } }, cap: 1 },
    { name: 'not an object', features: 'sendBatch', cap: 1 },
  ])(
    '$name: batches of at most $cap, every message once, in order',
    async ({ features, cap }) => {
      const server = await startTestServer({ messageRateLimit: 0 });
      cleanups.push(() => server.close());
      const seen = announce(server, features);
      const t = await createTestCore();
      cleanups.push(() => t.close());
      await signIn(t, server.url, 'alice');
      const expected = await queueOffline(t, 'f-', 60);
      t.core.networkChanged(true);
      await verify(t, server.url, 'f-', expected);
      if (cap === 1)
        expect({ batches: seen.batchSizes, sends: seen.sends }).toEqual({ batches: [], sends: 60 });
      else {
        expect(seen.batchSizes.length).toBeGreaterThan(0);
        expect(Math.max(...seen.batchSizes)).toBeLessThanOrEqual(cap);
      }
    },
    60_000,
  );
});
