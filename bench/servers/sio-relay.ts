/**
 * Baseline: a bare Socket.IO relay — what a plain Socket.IO app gives. No auth, no validation, no
 * storage: a socket joins the rooms of the channels its handshake `userId` belongs to, and every
 * `message:send` is forwarded to the channel room (except the sender) and acknowledged.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { channelRoom, MessageEvent, userRoom } from '../../src-shared/protocol';
import { collectGarbage, emitEvent, serve } from '../lib/serve';
import type { Identities, Topology } from './topology';

const port = Number(process.argv[2] ?? 0);
const roomsOf = new Map<string, string[]>();

const http = createServer();
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 64 * 1024 });

io.on('connection', (socket) => {
  const userId = String(socket.handshake.auth.userId ?? '');
  socket.join([userRoom(userId), ...(roomsOf.get(userId) ?? []).map(channelRoom)]);
  socket.on(MessageEvent.SEND, (payload: { channelId: string; clientMessageId?: string }, ack?: unknown) => {
    socket.to(channelRoom(payload.channelId)).emit(MessageEvent.NEW, { ...payload, userId });
    if (typeof ack === 'function')
      ack({ ok: true, channelId: payload.channelId, clientMessageId: payload.clientMessageId });
  });
});

function remember(topology: Topology, identities: Identities): void {
  topology.channels.forEach((members, c) => {
    for (const m of members) {
      const userId = identities.users[m]!.userId;
      roomsOf.set(userId, [...(roomsOf.get(userId) ?? []), identities.channelIds[c]!]);
    }
  });
}

serve({
  provision(topology: Topology): Identities {
    const identities: Identities = {
      users: Array.from({ length: topology.users }, () => ({ userId: randomUUID(), token: 'none' })),
      channelIds: topology.channels.map(() => randomUUID()),
    };
    remember(topology, identities);
    return identities;
  },
  /** After a restart: the same users and channels again (a relay keeps nothing). */
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
