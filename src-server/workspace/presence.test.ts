/**
 * Presence coalescing (issue 13): a connection that flaps (here: an app saying idle, back, idle, … as
 * fast as it can, and a socket reconnecting over and over) reaches the others as at most one update a
 * second per person, and the last state always arrives. Real server, real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESENCE_COALESCE_MS, type PresenceUpdate, WorkspaceEvent } from '../../src-shared/protocol';
import { waitFor } from '../../src-shared/testing/wait-for';
import { PRESENCE_LIMIT } from '../limits/event-limit';
import {
  type ClientSocket,
  connectAs,
  connectSocket,
  emitWithAck,
  login,
  startTestServer,
  type TestServer,
} from '../testing';

let server: TestServer;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({ presenceOfflineAfterMs: 20 });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.close();
});

/** Every presence update alice hears about `userId`, with when it arrived. */
async function watch(userId: string): Promise<{ presence: string; at: number }[]> {
  const alice = await connectAs(server.url, 'alice');
  sockets.push(alice.socket);
  const heard: { presence: string; at: number }[] = [];
  alice.socket.on(WorkspaceEvent.PRESENCE_UPDATE, (u: PresenceUpdate) => {
    if (u.userId === userId) heard.push({ presence: u.presence, at: Date.now() });
  });
  return heard;
}

/**
 * The bound, checked as the issue asks: consecutive updates at least a second apart as the
 * server sends them. Measured at the receiver, so a little delivery jitter is allowed (800 ms).
 */
function expectAtMostOneASecond(heard: { at: number }[]): void {
  for (let i = 1; i < heard.length; i++) {
    expect(heard[i]!.at - heard[i - 1]!.at).toBeGreaterThanOrEqual(PRESENCE_COALESCE_MS - 200);
  }
}

describe('presence coalescing', () => {
  // A burst that stays inside the per-socket allowance (PRESENCE_LIMIT: 10 in 10 s); past it the gate
  // refuses (presence-limit.test.ts), which is not what this test is about.
  it('turns a burst of idle/back reports into at most one update a second, ending on the last', async () => {
    const bob = await connectAs(server.url, 'bob');
    sockets.push(bob.socket);
    const heard = await watch(bob.user.id);
    const started = Date.now();
    const burst = PRESENCE_LIMIT.perSocket - 2; // even: it ends on online; then one more, away
    for (let i = 0; i < burst; i++) {
      await emitWithAck(bob.socket, WorkspaceEvent.PRESENCE_SET, {
        presence: i % 2 === 0 ? 'away' : 'online',
      });
    }
    // The last report says away (the burst ended on online): that is where it must end, and alice must hear it.
    await emitWithAck(bob.socket, WorkspaceEvent.PRESENCE_SET, { presence: 'away' });
    await waitFor(() => heard.at(-1)?.presence === 'away', 'the last state heard');
    const seconds = (Date.now() - started) / 1000;
    expect(heard.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(heard.length).toBeLessThan(burst + 1);
    expectAtMostOneASecond(heard);
  });

  it('turns a socket reconnecting over and over into at most one update a second', async () => {
    const { token, user } = await login(server.url, 'carol');
    const heard = await watch(user.id);
    const started = Date.now();
    // Each disconnect outlasts the 20 ms grace now and then, so offline and online really alternate.
    for (let i = 0; i < 15; i++) {
      const socket = await connectSocket(server.url, { token, userId: user.id });
      socket.close();
      await new Promise((r) => setTimeout(r, 40));
    }
    const last = await connectSocket(server.url, { token, userId: user.id });
    sockets.push(last);
    await waitFor(() => heard.at(-1)?.presence === 'online', 'online at the end');
    const seconds = (Date.now() - started) / 1000;
    expect(heard.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expectAtMostOneASecond(heard);
  });
});
