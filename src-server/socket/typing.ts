/**
 * Typing indicators: forwarded with `userId` to the channel room except the typist's own sockets. The
 * server ends an indicator itself when the typist goes quiet for `timeoutMs` or their last socket leaves.
 * A flood is refused by the typing limit (per socket, and per user across instances) and what does get
 * through reaches the room at most once a second per typist.
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
import type { EventLimit } from '../limits/event-limit';
import { requireMember } from '../membership';
import { type Route, route } from './handle';
import type { RelayServer } from './types';

/**
 * What the room is told about one typist in one channel changes at most this often through typing
 * events: a start/stop loop becomes one broadcast a second, the latest state once each quiet period
 * ends. While a typist keeps typing, their refreshes are passed on at most this often too.
 */
export const TYPING_REFRESH_FORWARD_MS = 1_000;

interface Typist {
  /** What the client last said. */
  typing: boolean;
  /** What the room was last told. */
  announced: boolean;
  /** Ends the indicator when no refresh comes. */
  expiry?: NodeJS.Timeout;
  /** Set for TYPING_REFRESH_FORWARD_MS after each broadcast: nothing more goes out until it fires. */
  quiet?: NodeJS.Timeout;
}

export class TypingTracker {
  /** userId → channelId → typist. */
  private readonly typists = new Map<string, Map<string, Typist>>();
  private closed = false;

  constructor(
    private readonly io: RelayServer,
    private readonly timeoutMs: number,
  ) {}

  /** A typing start (or refresh) from the client. */
  start(userId: string, channelId: string): void {
    if (this.closed) return;
    const typist = this.typist(userId, channelId);
    typist.typing = true;
    clearTimeout(typist.expiry);
    typist.expiry = setTimeout(() => this.stop(userId, channelId), this.timeoutMs);
    typist.expiry.unref();
    // A refresh goes out again once a quiet period has passed, so other clients keep the indicator.
    if (!typist.quiet) this.announce(userId, channelId, typist);
  }

  /** A typing stop from the client: told now, or at the end of the quiet period if still stopped. */
  clientStop(userId: string, channelId: string): void {
    const typist = this.stopped(userId, channelId);
    if (typist && !typist.quiet) this.settle(userId, channelId, typist);
  }

  /**
   * Ends an indicator now, quiet period or not: the typist sent a message, went silent, or left. A stop
   * nobody was told about is not announced.
   */
  stop(userId: string, channelId: string): void {
    const typist = this.stopped(userId, channelId);
    if (typist?.announced) this.announce(userId, channelId, typist);
  }

  /** Marks the typist (if any) as no longer typing and cancels its expiry; who is told is the caller's call. */
  private stopped(userId: string, channelId: string): Typist | undefined {
    const typist = this.typists.get(userId)?.get(channelId);
    if (!typist) return undefined;
    typist.typing = false;
    clearTimeout(typist.expiry);
    return typist;
  }

  isTyping(userId: string): boolean {
    return [...(this.typists.get(userId)?.values() ?? [])].some((t) => t.typing || t.announced);
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
      for (const typist of channels.values()) {
        clearTimeout(typist.expiry);
        clearTimeout(typist.quiet);
      }
    this.typists.clear();
  }

  private typist(userId: string, channelId: string): Typist {
    const channels = this.typists.get(userId) ?? new Map<string, Typist>();
    this.typists.set(userId, channels);
    let typist = channels.get(channelId);
    if (!typist) {
      typist = { typing: false, announced: false };
      channels.set(channelId, typist);
    }
    return typist;
  }

  /** Tells the room the typist's state and starts a quiet period. */
  private announce(userId: string, channelId: string, typist: Typist): void {
    if (this.closed) return;
    typist.announced = typist.typing;
    const body: TypingEvent = { userId, channelId, isTyping: typist.typing };
    const event = typist.typing ? MessageEvent.TYPING_START : MessageEvent.TYPING_STOP;
    this.io.to(channelRoom(channelId)).except(userRoom(userId)).emit(event, body);
    clearTimeout(typist.quiet);
    typist.quiet = setTimeout(() => {
      typist.quiet = undefined;
      this.settle(userId, channelId, typist);
    }, TYPING_REFRESH_FORWARD_MS);
    typist.quiet.unref();
  }

  /** After a quiet period: the latest state goes out if the room has not heard it; an idle typist is dropped. */
  private settle(userId: string, channelId: string, typist: Typist): void {
    if (typist.typing !== typist.announced) {
      this.announce(userId, channelId, typist);
      return;
    }
    if (typist.typing || typist.quiet) return;
    const channels = this.typists.get(userId);
    channels?.delete(channelId);
    if (channels?.size === 0) this.typists.delete(userId);
  }
}

export interface TypingDeps {
  io: RelayServer;
  typing: TypingTracker;
  /** Per user: TYPING_LIMIT. */
  limit: EventLimit;
}

export function typingRoutes(ctx: ServerContext, { typing, limit }: TypingDeps): [string, Route][] {
  const { store } = ctx;
  return (
    [
      [MessageEvent.TYPING_START, 'start'],
      [MessageEvent.TYPING_STOP, 'clientStop'],
    ] as const
  ).map(([event, act]) =>
    route(event, TypingPayload, async (socket, { channelId }): Promise<SimpleAck> => {
      const { userId } = socket.data;
      await limit.consume(userId);
      await requireMember(store, channelId, userId);
      typing[act](userId, channelId);
      return { ok: true };
    }),
  );
}

/** A socket of `userId` is gone: if it was their last here, whatever they were typing ends. */
export function typistLeft(ctx: ServerContext, { io, typing }: TypingDeps, userId: string): void {
  if (typing.isClosed || !typing.isTyping(userId)) return;
  // The socket has already left its rooms: any left in user:{id} are the typist's other devices.
  io.in(userRoom(userId))
    .fetchSockets()
    .then(
      (remaining) => {
        if (remaining.length === 0) typing.stopAll(userId);
      },
      (err: unknown) => ctx.logger.warn({ err, userId }, 'could not count remaining sockets'),
    );
}
