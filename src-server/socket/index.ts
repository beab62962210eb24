/** The Socket.IO server: authentication, rooms on connect, every event handler, unknown events refused. */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server } from 'socket.io';
import {
  ChangeEvent,
  channelRoom,
  MAX_FRAME_BYTES,
  MessageEvent,
  RoomEvent,
  userRoom,
  WorkspaceEvent,
} from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { invalid } from '../errors';
import {
  CHANGE_LIMIT,
  EventLimit,
  GATED_EVENT_LIMITS,
  PRESENCE_LIMIT,
  RECEIPT_LIMIT,
  TYPING_LIMIT,
} from '../limits/event-limit';
import { socketGate } from '../limits/socket-gate';
import { observeSocket } from '../ops/socket-metrics';
import { type PresenceOptions, PresenceTracker } from '../workspace/presence';
import { authMiddleware, endAtTokenExpiry } from './auth';
import { registerChangeHandlers } from './changes';
import { DeviceOrder } from './device-order';
import { refuse, splitArgs } from './handle';
import { KeyedMutex } from './keyed-mutex';
import { registerMessageHandlers } from './messages';
import { registerPresenceHandlers } from './presence';
import { createMessageRateLimiter } from './rate-limit';
import { createRedisMessageRateLimiter, type RedisClient } from './rate-limit-redis';
import { ReceiptWrites } from './receipt-writes';
import { registerReceiptHandlers } from './receipts';
import { registerRoomHandlers } from './rooms';
import type { RelayServer } from './types';
import { registerTypingHandlers, TypingTracker } from './typing';

export interface SocketOptions {
  corsOrigins: string[];
  /** The Host allow-list (http/host-allow-list.ts), for the Socket.IO handshake too. */
  hostAllowed?: (req: IncomingMessage) => boolean;
  messageRateLimit: number;
  typingTimeoutMs: number;
  /** permessage-deflate for frames of PER_MESSAGE_DEFLATE_THRESHOLD bytes or more. */
  perMessageDeflate: boolean;
  presence?: PresenceOptions;
}

/** Frames below this go uncompressed: deflate's CPU and framing outweigh what small frames save. */
export const PER_MESSAGE_DEFLATE_THRESHOLD = 1024;

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
  ChangeEvent.EDIT,
  ChangeEvent.DELETE,
  ChangeEvent.REACTION_ADD,
  ChangeEvent.REACTION_REMOVE,
]);

export interface SocketLayer {
  io: RelayServer;
  typing: TypingTracker;
  presence: PresenceTracker;
  /** REDIS_URL: from now on every instance counts each user's messages together. */
  shareLimits(client: RedisClient): void;
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
    // No context takeover: ws applies the threshold only then (with takeover it compresses every frame,
    // however small), and no socket keeps a zlib context (~300 KB) between frames.
    perMessageDeflate: options.perMessageDeflate
      ? {
          threshold: PER_MESSAGE_DEFLATE_THRESHOLD,
          serverNoContextTakeover: true,
          clientNoContextTakeover: true,
        }
      : false,
    allowRequest: (req, callback) => callback(null, options.hostAllowed?.(req) ?? true),
    cors: options.corsOrigins.length > 0 ? { origin: options.corsOrigins, credentials: true } : undefined,
  });
  const typing = new TypingTracker(io, options.typingTimeoutMs);
  const presence = new PresenceTracker(io, ctx.store, options.presence);
  const typingLimit = new EventLimit(ctx.limits, TYPING_LIMIT);
  const receiptLimit = new EventLimit(ctx.limits, RECEIPT_LIMIT);
  const receiptWrites = new ReceiptWrites(ctx.store);
  const presenceLimit = new EventLimit(ctx.limits, PRESENCE_LIMIT);
  const changeLimit = new EventLimit(ctx.limits, CHANGE_LIMIT);
  const messageDeps = {
    limiter: createMessageRateLimiter(options.messageRateLimit),
    replays: new KeyedMutex(),
    arrivals: new KeyedMutex(),
    order: new DeviceOrder(ctx.store),
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
    observeSocket(socket, ctx.metrics, HANDLED_EVENTS);
    endAtTokenExpiry(socket);
    // Before any handler: a flood of typing, receipts, changes or presence is dropped here, per socket.
    socket.use(socketGate(socket, GATED_EVENT_LIMITS, ctx.logger));
    registerMessageHandlers(ctx, messageDeps, socket);
    registerReceiptHandlers(ctx, io, receiptLimit, receiptWrites, socket);
    registerChangeHandlers(ctx, { io, limit: changeLimit }, socket);
    registerTypingHandlers(ctx, { io, typing, limit: typingLimit }, socket);
    registerRoomHandlers(ctx, socket);
    registerPresenceHandlers(ctx, presence, presenceLimit, socket);
    let unknownEvents = 0;
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && HANDLED_EVENTS.has(event)) return;
      const name = String(event).slice(0, 100);
      // Debug, and only the 1st, 10th, 100th…: 5,000 unknown events wrote 1.1 MB of info lines.
      const quiet = !Number.isInteger(Math.log10(++unknownEvents)) && unknownEvents !== 1;
      if (!quiet) log.debug({ event: name, count: unknownEvents }, 'unknown event');
      refuse(socket, ctx.logger, name, invalid('Unknown event'), undefined, splitArgs(args).ack, 'silent');
    });
    socket.on('disconnect', (reason) => log.info({ event: 'disconnect', reason }, 'disconnected'));
    log.info({ event: 'connect' }, 'connected');
  });
  const shareLimits = (client: RedisClient) => {
    messageDeps.limiter = createRedisMessageRateLimiter(options.messageRateLimit, client);
  };
  return { io, typing, presence, shareLimits };
}
