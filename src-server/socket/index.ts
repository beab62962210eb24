/** The Socket.IO server: authentication, rooms on connect, every event handler, unknown events refused. */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { Server } from 'socket.io';
import {
  channelRoom,
  MAX_FRAME_BYTES,
  MAX_SEND_BATCH_ITEMS,
  RelayEvent,
  type RelayFeatures,
  userRoom,
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
import { SocketGate } from '../limits/socket-gate';
import { timeAck } from '../ops/socket-metrics';
import { type PresenceOptions, PresenceTracker } from '../workspace/presence';
import { audienceOf } from './audience';
import { authMiddleware, TokenExpiries } from './auth';
import { changeRoutes } from './changes';
import { coalesceWrites } from './coalesce-writes';
import { DeviceOrder } from './device-order';
import { handle, type Routes, refuse, splitArgs } from './handle';
import { KeyedMutex } from './keyed-mutex';
import { messageRoutes } from './messages';
import { presenceRoutes } from './presence';
import { createMessageRateLimiter } from './rate-limit';
import { createRedisMessageRateLimiter, type RedisClient } from './rate-limit-redis';
import { ReceiptWrites } from './receipt-writes';
import { receiptRoutes } from './receipts';
import { roomRoutes } from './rooms';
import type { RelayServer, RelaySocket } from './types';
import { TypingTracker, typingRoutes, typistLeft } from './typing';

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

/**
 * What this server handles beyond interface.md, said to each socket as it connects (README, "Protocol
 * additions"): a client uses an addition only once told. The same object for every socket.
 */
const FEATURES: RelayFeatures = Object.freeze({
  sendBatch: Object.freeze({ maxItems: MAX_SEND_BATCH_ITEMS }),
});

/** Frames below this go uncompressed: deflate's CPU and framing outweigh what small frames save. */
export const PER_MESSAGE_DEFLATE_THRESHOLD = 1024;

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
    audience: audienceOf(io),
  };

  const typingDeps = { io, typing, limit: typingLimit };
  const routes: Routes = new Map([
    ...messageRoutes(ctx, messageDeps),
    ...receiptRoutes(ctx, io, receiptLimit, receiptWrites),
    ...changeRoutes(ctx, { io, limit: changeLimit }),
    ...typingRoutes(ctx, typingDeps),
    ...roomRoutes(ctx),
    ...presenceRoutes(presence, presenceLimit),
  ]);
  const gate = new SocketGate(GATED_EVENT_LIMITS, ctx.logger);
  const expiries = new TokenExpiries<RelaySocket>();
  /** Unknown events each socket has sent, for its log lines (1st, 10th, 100th…). */
  const unknownEvents = new WeakMap<RelaySocket, number>();
  /** A socket's channels from its handshake until its `connection` (kept no longer). */
  const joined = new WeakMap<RelaySocket, string[]>();

  /**
   * Every inbound event of every socket, one function for them all (`this` is the socket: Socket.IO
   * calls `onAny` listeners so): unknown events refused; then the ack timed, the per-socket gate (a
   * flood of typing, receipts, changes or presence is dropped here, before any handler), the route.
   * Per-socket listeners and middlewares (a closure each, twelve events) were about half of what a
   * connection costs the server beyond a bare Socket.IO relay (figure 5).
   */
  function onEvent(this: RelaySocket, event: unknown, ...args: unknown[]): void {
    if (!this.connected) return;
    const route = typeof event === 'string' ? routes.get(event) : undefined;
    if (route === undefined) {
      refuseUnknown(this, event, args);
      return;
    }
    const name = event as string;
    timeAck(ctx.metrics, name, args);
    if (!gate.admit(this, name, args)) return;
    void handle(this, ctx.logger, name, route, args);
  }

  function refuseUnknown(socket: RelaySocket, event: unknown, args: unknown[]): void {
    const name = String(event).slice(0, 100);
    const count = (unknownEvents.get(socket) ?? 0) + 1;
    unknownEvents.set(socket, count);
    // Debug, and only the 1st, 10th, 100th…: 5,000 unknown events wrote 1.1 MB of info lines.
    const quiet = !Number.isInteger(Math.log10(count)) && count !== 1;
    if (!quiet)
      ctx.logger.debug(
        { userId: socket.data.userId, socketId: socket.id, event: name, count },
        'unknown event',
      );
    refuse(socket, ctx.logger, name, invalid('Unknown event'), undefined, splitArgs(args).ack, 'silent');
  }

  function onDisconnect(this: RelaySocket, reason: string): void {
    const { userId } = this.data;
    expiries.remove(this);
    typistLeft(ctx, typingDeps, userId);
    presence.disconnected(userId);
    ctx.logger.debug({ userId, socketId: this.id, event: 'disconnect', reason }, 'disconnected');
  }

  // Every connection, before its handshake answer: its frames leave in as few writes as they can.
  io.engine.on('connection', coalesceWrites);
  io.use(authMiddleware(ctx));
  // Rooms are joined before the client hears `connect`: once connected, it misses nothing.
  io.use((socket, next) => {
    const { userId } = socket.data;
    ctx.store
      .memberChannelIds(userId)
      .then((channelIds) => {
        joined.set(socket, channelIds);
        return socket.join([userRoom(userId), ...channelIds.map(channelRoom)]);
      })
      .then(
        () => next(),
        (err: unknown) => {
          ctx.logger.error({ err, userId }, 'could not join rooms');
          next(new Error('Internal error'));
        },
      );
  });
  io.on('connection', (socket) => {
    const { userId } = socket.data;
    ctx.metrics.connections.inc();
    expiries.add(socket);
    // The channels just joined: presence announces the connect to them without reading them again.
    presence.connected(userId, joined.get(socket));
    joined.delete(socket);
    socket.onAny(onEvent);
    socket.on('disconnect', onDisconnect);
    // In one write with the handshake's answer (coalesceWrites): no write of its own per connection.
    socket.emit(RelayEvent.FEATURES, FEATURES);
    // Debug, not info: a line (a write) per connection was a tenth of a connect storm's CPU (figure 5);
    // the metrics relay_connections_total and relay_connected_sockets count them.
    ctx.logger.debug({ userId, socketId: socket.id, event: 'connect' }, 'connected');
  });
  const shareLimits = (client: RedisClient) => {
    messageDeps.limiter = createRedisMessageRateLimiter(options.messageRateLimit, client);
  };
  return { io, typing, presence, shareLimits };
}
