/** The Socket.IO server: authentication, rooms on connect, every event handler, unknown events refused. */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import {
  channelRoom,
  MAX_FRAME_BYTES,
  MessageEvent,
  RoomEvent,
  userRoom,
  WorkspaceEvent,
} from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { invalid } from '../errors';
import { type PresenceOptions, PresenceTracker } from '../workspace/presence';
import { authMiddleware, endAtTokenExpiry } from './auth';
import { refuse, splitArgs } from './handle';
import { KeyedMutex } from './keyed-mutex';
import { registerMessageHandlers } from './messages';
import { registerPresenceHandlers } from './presence';
import { createMessageRateLimiter } from './rate-limit';
import { registerReceiptHandlers } from './receipts';
import { registerRoomHandlers } from './rooms';
import type { RelayServer } from './types';
import { registerTypingHandlers, TypingTracker } from './typing';

export interface SocketOptions {
  corsOrigins: string[];
  messageRateLimit: number;
  typingTimeoutMs: number;
  presence?: PresenceOptions;
}

/** The events a client may send; anything else is answered as unknown. */
const HANDLED_EVENTS = new Set<string>([
  MessageEvent.SEND,
  MessageEvent.TYPING_START,
  MessageEvent.TYPING_STOP,
  MessageEvent.DELIVERED,
  MessageEvent.READ,
  RoomEvent.JOIN,
  RoomEvent.LEAVE,
  WorkspaceEvent.PRESENCE_SET,
]);

export interface SocketLayer {
  io: RelayServer;
  typing: TypingTracker;
  presence: PresenceTracker;
}

export function createSocketServer(
  httpServer: HttpServer,
  ctx: ServerContext,
  options: SocketOptions,
): SocketLayer {
  const io: RelayServer = new Server(httpServer, {
    // A bigger frame closes that one connection; the server and everyone else carry on.
    maxHttpBufferSize: MAX_FRAME_BYTES,
    serveClient: false,
    cors: options.corsOrigins.length > 0 ? { origin: options.corsOrigins, credentials: true } : undefined,
  });
  const typing = new TypingTracker(io, options.typingTimeoutMs);
  const presence = new PresenceTracker(io, ctx.store, options.presence);
  const messageDeps = {
    limiter: createMessageRateLimiter(options.messageRateLimit),
    replays: new KeyedMutex(),
    arrivals: new KeyedMutex(),
    typing,
  };

  io.use(authMiddleware(ctx));
  // Rooms are joined before the client hears `connect`: once connected, it misses nothing.
  io.use((socket, next) => {
    const { userId } = socket.data;
    ctx.store
      .memberChannelIds(userId)
      .then((channelIds) => socket.join([userRoom(userId), ...channelIds.map(channelRoom)]))
      .then(
        () => next(),
        (err: unknown) => {
          ctx.logger.error({ err, userId }, 'could not join rooms');
          next(new Error('Internal error'));
        },
      );
  });
  io.on('connection', (socket) => {
    const log = ctx.logger.child({ userId: socket.data.userId, socketId: socket.id });
    endAtTokenExpiry(socket);
    registerMessageHandlers(ctx, messageDeps, socket);
    registerReceiptHandlers(ctx, io, socket);
    registerTypingHandlers(ctx, io, typing, socket);
    registerRoomHandlers(ctx, socket);
    registerPresenceHandlers(ctx, presence, socket);
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && HANDLED_EVENTS.has(event)) return;
      const name = String(event).slice(0, 100);
      refuse(socket, ctx.logger, name, invalid('Unknown event'), undefined, splitArgs(args).ack);
    });
    socket.on('disconnect', (reason) => log.info({ event: 'disconnect', reason }, 'disconnected'));
    log.info({ event: 'connect' }, 'connected');
  });
  return { io, typing, presence };
}
