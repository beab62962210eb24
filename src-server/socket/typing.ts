/**
 * Typing indicators: forwarded with `userId` to the channel room except the typist's own sockets. The
 * server ends an indicator itself when the typist goes quiet for `timeoutMs` or their last socket leaves.
 */
import {
  channelRoom,
  MessageEvent,
  type SimpleAck,
  type TypingEvent,
  TypingPayload,
  userRoom,
} from '../../src-shared/protocol';
import type { ServerContext } from '../context';
import { requireMember } from '../membership';
import { handle } from './handle';
import type { RelayServer, RelaySocket } from './types';

export class TypingTracker {
  /** userId → channelId → the timer that ends the indicator. */
  private readonly typists = new Map<string, Map<string, NodeJS.Timeout>>();

  constructor(
    private readonly io: RelayServer,
    private readonly timeoutMs: number,
  ) {}

  start(userId: string, channelId: string): void {
    const channels = this.typists.get(userId) ?? new Map<string, NodeJS.Timeout>();
    clearTimeout(channels.get(channelId));
    const timer = setTimeout(() => this.stop(userId, channelId, true), this.timeoutMs);
    timer.unref();
    channels.set(channelId, timer);
    this.typists.set(userId, channels);
    this.emit(MessageEvent.TYPING_START, userId, channelId);
  }

  /** Ends an indicator; `onlyIfTyping` keeps the server from announcing a stop nobody started. */
  stop(userId: string, channelId: string, onlyIfTyping = false): void {
    const channels = this.typists.get(userId);
    const timer = channels?.get(channelId);
    if (onlyIfTyping && timer === undefined) return;
    clearTimeout(timer);
    channels?.delete(channelId);
    if (channels?.size === 0) this.typists.delete(userId);
    this.emit(MessageEvent.TYPING_STOP, userId, channelId);
  }

  stopAll(userId: string): void {
    for (const channelId of [...(this.typists.get(userId)?.keys() ?? [])]) this.stop(userId, channelId, true);
  }

  close(): void {
    for (const channels of this.typists.values()) for (const timer of channels.values()) clearTimeout(timer);
    this.typists.clear();
  }

  private emit(
    event: MessageEvent.TYPING_START | MessageEvent.TYPING_STOP,
    userId: string,
    channelId: string,
  ) {
    const body: TypingEvent = { userId, channelId, isTyping: event === MessageEvent.TYPING_START };
    this.io.to(channelRoom(channelId)).except(userRoom(userId)).emit(event, body);
  }
}

export function registerTypingHandlers(
  ctx: ServerContext,
  io: RelayServer,
  typing: TypingTracker,
  socket: RelaySocket,
): void {
  const { store, logger } = ctx;
  const { userId } = socket.data;
  handle(
    socket,
    logger,
    MessageEvent.TYPING_START,
    TypingPayload,
    async ({ channelId }): Promise<SimpleAck> => {
      await requireMember(store, channelId, userId);
      typing.start(userId, channelId);
      return { ok: true };
    },
  );
  handle(
    socket,
    logger,
    MessageEvent.TYPING_STOP,
    TypingPayload,
    async ({ channelId }): Promise<SimpleAck> => {
      await requireMember(store, channelId, userId);
      typing.stop(userId, channelId);
      return { ok: true };
    },
  );
  socket.on('disconnect', () => {
    // The socket has already left its rooms: any left in user:{id} are the typist's other devices.
    io.in(userRoom(userId))
      .fetchSockets()
      .then(
        (remaining) => {
          if (remaining.length === 0) typing.stopAll(userId);
        },
        (err: unknown) => logger.warn({ err, userId }, 'could not count remaining sockets'),
      );
  });
}
