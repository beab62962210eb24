/**
 * A connection costs the server little (figure 5): every socket is served by the same functions, made
 * once per server, and keeps no listener, middleware or timer of its own beyond Socket.IO's.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageEvent } from '../../src-shared/protocol';
import { demoServer, emitWithAck } from '../testing';
import type { RelaySocket } from './types';

const demo = demoServer();
beforeEach(() => demo.start());
afterEach(() => demo.stop());

/** What Socket.IO itself gives a socket: its `error` no-op. */
const own = (socket: RelaySocket) => ({
  events: socket.eventNames().sort(),
  any: socket.listenersAny(),
  outgoing: socket.listenersAnyOutgoing(),
  middlewares: (socket as unknown as { fns: unknown[] }).fns,
  disconnect: socket.listeners('disconnect'),
});

describe('per-socket handlers', () => {
  it('are the same functions for every socket: one onAny and one disconnect listener, no middleware', async () => {
    const alice = await demo.as('alice');
    const bob = await demo.as('bob');
    const sockets = demo.server.io.of('/').sockets;
    const [a, b] = [sockets.get(alice.socket.id!)!, sockets.get(bob.socket.id!)!];
    const [ownA, ownB] = [own(a), own(b)];
    expect(ownA.events).toEqual(['disconnect', 'error']);
    expect(ownA.any).toHaveLength(1);
    expect(ownA.any[0]).toBe(ownB.any[0]);
    expect(ownA.disconnect).toHaveLength(1);
    expect(ownA.disconnect[0]).toBe(ownB.disconnect[0]);
    expect(ownA.outgoing).toEqual([]);
    expect(ownA.middlewares).toEqual([]);
    // And they serve each socket as itself.
    const clientMessageId = randomUUID();
    const sent = await emitWithAck<{ ok: boolean }>(alice.socket, MessageEvent.SEND, {
      channelId: demo.general.id,
      content: 'hello',
      clientMessageId,
    });
    expect(sent).toMatchObject({ ok: true });
    const history = await demo.server.store.listMessages(demo.general.id, alice.user.id, {
      after: 0,
      limit: 50,
    });
    expect(history.messages.find((m) => m.clientMessageId === clientMessageId)?.userId).toBe(alice.user.id);
  });
});
