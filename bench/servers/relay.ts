/**
 * The relay both relay baselines share: Socket.IO 4 with no auth and no validation. A socket joins the
 * rooms of the channels its handshake `userId` belongs to, and every `message:send` is forwarded to
 * the channel room (except the sender) and acknowledged — after `store(message)`, when one is given.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { channelRoom, MessageEvent, userRoom } from '../../src-shared/protocol';
import { collectGarbage, emitEvent, serve } from '../lib/serve';
import type { Identities, Topology } from './topology';

export interface RelayedMessage {
  channelId: string;
  clientMessageId?: string;
  content?: string;
  userId: string;
}

/**
 * Runs before the forward and the ack: synchronously on the event loop (as a naive server would), or,
 * when it returns a promise, the forward and the ack wait for it (a writer thread).
 */
export type StoreMessage = (message: RelayedMessage) => void | Promise<void>;

export function startRelay(port: number, store?: StoreMessage): void {
  const roomsOf = new Map<string, string[]>();
  const http = createServer();
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 64 * 1024 });

  io.on('connection', (socket) => {
    const userId = String(socket.handshake.auth.userId ?? '');
    socket.join([userRoom(userId), ...(roomsOf.get(userId) ?? []).map(channelRoom)]);
    socket.on(MessageEvent.SEND, (payload: Omit<RelayedMessage, 'userId'>, ack?: unknown) => {
      const message = { ...payload, userId };
      const forward = () => {
        socket.to(channelRoom(payload.channelId)).emit(MessageEvent.NEW, message);
        if (typeof ack === 'function')
          ack({ ok: true, channelId: payload.channelId, clientMessageId: payload.clientMessageId });
      };
      const stored = store?.(message);
      if (stored) void stored.then(forward);
      else forward();
    });
  });

  const remember = (topology: Topology, identities: Identities): void => {
    topology.channels.forEach((members, c) => {
      for (const m of members) {
        const userId = identities.users[m]!.userId;
        roomsOf.set(userId, [...(roomsOf.get(userId) ?? []), identities.channelIds[c]!]);
      }
    });
  };

  serve({
    provision(topology: Topology): Identities {
      const identities: Identities = {
        users: Array.from({ length: topology.users }, () => ({ userId: randomUUID(), token: 'none' })),
        channelIds: topology.channels.map(() => randomUUID()),
      };
      remember(topology, identities);
      return identities;
    },
    /** After a restart: the same users and channels again (the relay keeps no users). */
    restore({ topology, identities }: { topology: Topology; identities: Identities }): void {
      roomsOf.clear();
      remember(topology, identities);
    },
    gc: collectGarbage,
    connections: () => io.engine.clientsCount,
  });

  http.listen(port, '127.0.0.1', () => {
    emitEvent({ event: 'ready', url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
  });
}
