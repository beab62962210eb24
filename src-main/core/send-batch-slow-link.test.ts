/**
 * Batches on a slow uplink (review of stop 25), against the real server through a throttling proxy.
 *
 * The ack deadlines (ack-deadline.ts) allow the oldest emit an ack timeout since the answer before it,
 * and take a connection that answered nothing for an ack timeout for stalled. One send at a time, a link
 * passes that test as long as it carries one send (~500 bytes here) an ack timeout. A batch is answered
 * only once all of it has crossed the link: 29 sends of 300 characters are ~14 KB, so a link slower
 * than that an ack timeout times the batch out, takes the connection for stalled and recycles it,
 * although it was delivering all along (the server stores the batch; the resend is a replay, no faster).
 *
 * Scaled down to keep the test short: a 3 s ack timeout and 4,000 bytes a second (at the defaults, 10 s,
 * a batch of 64 short sends, ~20 KB, does the same below ~2 KB/s, a slow mobile link).
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../src-server/testing';
import { cleanupAfterEach } from './testing/cleanups';
import { createTestCore, signIn } from './testing/harness';
import { queueOffline, verify } from './testing/invariants';
import { startProxy } from './testing/proxy';

const cleanups = cleanupAfterEach();

// About 500 bytes a send on the wire: a batch of 29 (slow start's sixth, 60 sends a channel) is ~14 KB.
const PREFIX = `slow-${'x'.repeat(300)}-`;

describe('batches on a slow uplink', () => {
  it('drains a backlog over a link slower than a full batch an ack timeout without taking it for stalled', async () => {
    const server = await startTestServer({ messageRateLimit: 0 });
    cleanups.push(() => server.close());
    let connections = 0;
    server.io.on('connection', () => {
      connections++;
    });
    const proxy = await startProxy(server.port, { uplinkBytesPerSecond: 4_000 });
    cleanups.push(() => proxy.close());
    const t = await createTestCore({ options: { ackTimeoutMs: 3_000 } });
    cleanups.push(() => t.close());
    await signIn(t, proxy.url, 'alice');
    const expected = await queueOffline(t, PREFIX, 120);
    const before = connections;
    t.core.networkChanged(true);
    await verify(t, server.url, PREFIX, expected);
    // One send at a time every answer comes ~125 ms after the one before: one connection throughout.
    expect(connections - before).toBe(1);
  }, 120_000);
});
