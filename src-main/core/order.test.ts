/**
 * Order under the rate limit (issue 11), against the real server: a backlog flushed over a slow uplink
 * into the limit is stored in send order with few refusals, also when the app restarts during a block.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../src-server/testing';
import { MessageEvent } from '../../src-shared/protocol';
import { cleanupAfterEach } from './testing/cleanups';
import { createTestCore, signIn, waitFor } from './testing/harness';
import { queueOffline, verify } from './testing/invariants';
import { startProxy } from './testing/proxy';

const cleanups = cleanupAfterEach();

/**
 * Counts every refusal the server sends, on every connection from now on: a single send's
 * `message:error`, and each refused item in a `message:send:batch`'s ack (a batch's items get no
 * `message:error`: README, "Protocol additions"), so a bound on refusals holds whichever way they went.
 */
function countRefusals(server: TestServer): { count: number } {
  const counter = { count: 0 };
  server.io.on('connection', (socket) => {
    socket.onAnyOutgoing((event) => {
      if (event === MessageEvent.ERROR) counter.count++;
    });
    // socket.io makes each event's ack with `ack(id)`: a batch's is the one answered with a list.
    const own = socket as unknown as { ack(id: number): (...response: unknown[]) => void };
    const make = own.ack.bind(socket);
    own.ack = (id) => {
      const ack = make(id);
      return (...response) => {
        const [answers] = response;
        if (Array.isArray(answers))
          counter.count += answers.filter((a) => (a as { ok?: unknown } | null)?.ok === false).length;
        ack(...response);
      };
    };
  });
  return counter;
}

async function limitedServer() {
  const server = await startTestServer({ messageRateLimit: 10 });
  cleanups.push(() => server.close());
  return { server, refusals: countRefusals(server) };
}

// About 330 bytes a frame: 120 of them take about a second on the uplink, longer than the block.
const PREFIX = `order-${'x'.repeat(256)}-`;

describe('order under the rate limit', () => {
  it('drains 120 queued messages over a ~40 KB/s uplink into a limit of 10/s: all in send order, refusals at most 2x', async () => {
    const { server, refusals } = await limitedServer();
    const proxy = await startProxy(server.port, { uplinkBytesPerSecond: 40_000 });
    cleanups.push(() => proxy.close());
    const t = await createTestCore();
    cleanups.push(() => t.close());
    await signIn(t, proxy.url, 'alice');
    const expected = await queueOffline(t, PREFIX, 120);
    t.core.networkChanged(true);
    await verify(t, server.url, PREFIX, expected);
    console.info(`slow uplink: ${refusals.count} refusals for 120 messages`);
    expect(refusals.count).toBeLessThanOrEqual(240);
  }, 90_000);

  it('keeps order, and keeps pacing itself, when the app restarts during a block', async () => {
    const { server, refusals } = await limitedServer();
    const t = await createTestCore();
    cleanups.push(() => t.close({ keep: true }));
    await signIn(t, server.url, 'alice');
    const expected = await queueOffline(t, PREFIX, 60);
    t.core.networkChanged(true);
    await waitFor(() => refusals.count > 0, 'a refusal', 20_000);
    await t.close({ keep: true });
    // Refusals to the restarted app's connections only (the old pipeline's answers are still coming).
    const afterRestart = countRefusals(server);

    const restarted = await createTestCore({ userData: t.userData });
    cleanups.push(() => restarted.close());
    await verify(restarted, server.url, PREFIX, expected);
    // Paced (one at a time per channel, from the stored state): about one refusal per channel per block,
    // 2 channels x 6 blocks at most. Pipelining the outbox into the block again would make ~50.
    console.info(`restart during a block: ${refusals.count} refusals in all, ${afterRestart.count} after it`);
    expect(afterRestart.count).toBeLessThanOrEqual(14);
  }, 90_000);
});
