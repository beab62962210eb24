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

/** While a typist keeps typing, their refreshes are passed on at most this often. */
export const TYPING_REFRESH_FORWARD_MS = 1_000;

interface Typist {
  /** Ends the indicator when no refresh comes. */
  timer: NodeJS.Timeout;
  /** When a start was last passed on to the room. */
  forwardedAt: number;
}

export class TypingTracker {
  /** userId → channelId → typist. */
  private readonly typists = new Map<string, Map<string, Typist>>();
  private closed = false;

  constructor(
    private readonly io: RelayServer,
    private readonly timeoutMs: number,
  ) {}

  start(userId: string, channelId: string): void {
    if (this.closed) return;
    const channels = this.typists.get(userId) ?? new Map<string, Typist>();
    const current = channels.get(channelId);
    clearTimeout(current?.timer);
    const timer = setTimeout(() => this.stop(userId, channelId), this.timeoutMs);
    timer.unref();
    // A client refreshing in a tight loop must not turn into a broadcast storm.
    const forward = !current || Date.now() - current.forwardedAt >= TYPING_REFRESH_FORWARD_MS;
    channels.set(channelId, { timer, forwardedAt: forward ? Date.now() : current.forwardedAt });
    this.typists.set(userId, channels);
    if (forward) this.emit(MessageEvent.TYPING_START, userId, channelId);
  }

  /** Ends an indicator, if there is one: a stop nobody started is not announced. */
  stop(userId: string, channelId: string): void {
    const channels = this.typists.get(userId);
    const typist = channels?.get(channelId);
    if (!channels || !typist) return;
    clearTimeout(typist.timer);
    channels.delete(channelId);
    if (channels.size === 0) this.typists.delete(userId);
    this.emit(MessageEvent.TYPING_STOP, userId, channelId);
  }

  isTyping(userId: string): boolean {
    return this.typists.has(userId);
  }

  stopAll(userId: string): void {
    for (const channelId of [...(this.typists.get(userId)?.keys() ?? [])]) this.stop(userId, channelId);
  }

  /** Once the server is shutting down, nobody is told anything more. */
  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const channels of this.typists.values())
      for (const typist of channels.values()) clearTimeout(typist.timer);
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
    if (typing.isClosed || !typing.isTyping(userId)) return;
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
