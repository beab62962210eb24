/**
 * Issue 11: `presence:set` had no limit at all, unlike typing and receipts. It now goes through the same
 * per-socket gate (and a per-user allowance): the app's own rate passes, a flood is refused with
 * RATE_LIMITED and, far past the allowance, its connection is cut; the user's other sockets carry on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageEvent, WorkspaceEvent } from '../../src-shared/protocol';
import { PRESENCE_LIMIT } from '../limits/event-limit';
import { FLOOD_FACTOR } from '../limits/socket-gate';
import { type ClientSocket, demoServer, emitWithAck, nextEvent } from '../testing';

const demo = demoServer();
beforeEach(() => demo.start());
afterEach(() => demo.stop());

const setPresence = (socket: ClientSocket, presence: 'away' | 'online') =>
  emitWithAck<{ ok: boolean; code?: string; retryAfterMs?: number }>(socket, WorkspaceEvent.PRESENCE_SET, {
    presence,
  });

describe('presence:set limit (issue 11)', () => {
  it('passes the allowance of one socket, then refuses RATE_LIMITED with retryAfterMs', async () => {
    const alice = await demo.as('alice');
    for (let i = 0; i < PRESENCE_LIMIT.perSocket; i++) {
      expect(await setPresence(alice.socket, i % 2 ? 'online' : 'away')).toEqual({ ok: true });
    }
    const refused = await setPresence(alice.socket, 'away');
    expect(refused).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(PRESENCE_LIMIT.windowSeconds * 1_000);
  });

  it("counts a user's sockets together: past the per-user allowance a fresh socket is refused too", async () => {
    const sockets = [];
    for (let s = 0; s * PRESENCE_LIMIT.perSocket < PRESENCE_LIMIT.perUser; s++) {
      const { socket } = await demo.as('alice');
      sockets.push(socket);
      for (let i = 0; i < PRESENCE_LIMIT.perSocket; i++) {
        expect(await setPresence(socket, 'away')).toEqual({ ok: true });
      }
    }
    const fresh = await demo.as('alice');
    expect(await setPresence(fresh.socket, 'online')).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
  });

  it('cuts a socket that floods far past its allowance, and only that one', async () => {
    const flooder = await demo.as('alice');
    const other = await demo.as('alice');
    const refusals: { code: string }[] = [];
    flooder.socket.on(MessageEvent.ERROR, (error) => refusals.push(error as { code: string }));
    const cut = nextEvent<string>(flooder.socket, 'disconnect');
    for (let i = 0; i <= PRESENCE_LIMIT.perSocket * FLOOD_FACTOR; i++) {
      flooder.socket.emit(WorkspaceEvent.PRESENCE_SET, { presence: i % 2 ? 'online' : 'away' });
    }
    expect(await cut).toBe('io server disconnect');
    expect(refusals.map((r) => r.code)).toEqual(['RATE_LIMITED']);
    // The user's other socket still has its own allowance (the per-user one is not used up either:
    // the gate dropped the flood before the handler counted it).
    expect(await setPresence(other.socket, 'online')).toEqual({ ok: true });
  });
});
