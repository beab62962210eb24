/**
 * Typing indicators. Outgoing: `start` after a short debounce, refreshed while the user keeps
 * typing (the server drops a typist after 6 s without one), `stop` on idle, on send, or when told.
 * Incoming: per channel, each typist expires by itself and goes when their message arrives.
 */
import type { UserSummary } from '../../src-shared/protocol';
import { MessageEvent } from '../../src-shared/protocol';
import type { RelaySocket } from './connection';
import type { ResolvedOptions } from './options';
import type { Clock } from './ports';

interface Outgoing {
  started: boolean;
  lastSentAt: number;
  debounce: unknown;
  idle: unknown;
}

export class Typing {
  private readonly outgoing = new Map<string, Outgoing>();
  private readonly incoming = new Map<string, Map<string, unknown>>();

  constructor(
    private readonly clock: Clock,
    private readonly options: ResolvedOptions,
    private readonly socket: () => RelaySocket | null,
    private readonly nameOf: (channelId: string, userId: string) => UserSummary | undefined,
    private readonly changed: (channelId: string, typists: UserSummary[]) => void,
  ) {}

  // Outgoing ------------------------------------------------------------------------------------

  set(channelId: string, isTyping: boolean): void {
    if (!isTyping) {
      this.stop(channelId);
      return;
    }
    const state = this.outgoing.get(channelId) ?? {
      started: false,
      lastSentAt: 0,
      debounce: null,
      idle: null,
    };
    this.outgoing.set(channelId, state);
    if (state.idle !== null) this.clock.clearTimeout(state.idle);
    state.idle = this.clock.setTimeout(() => this.stop(channelId), this.options.typingIdleMs);
    if (!state.started) {
      state.debounce ??= this.clock.setTimeout(() => {
        state.debounce = null;
        state.started = true;
        this.emitStart(channelId, state);
      }, this.options.typingDebounceMs);
    } else if (this.clock.now() - state.lastSentAt >= this.options.typingRefreshMs) {
      this.emitStart(channelId, state);
    }
  }

  /** Typing ended (idle, message sent, composer cleared). */
  stop(channelId: string): void {
    const state = this.outgoing.get(channelId);
    if (!state) return;
    this.outgoing.delete(channelId);
    if (state.debounce !== null) this.clock.clearTimeout(state.debounce);
    if (state.idle !== null) this.clock.clearTimeout(state.idle);
    if (state.started) this.socket()?.emit(MessageEvent.TYPING_STOP, { channelId, isTyping: false });
  }

  private emitStart(channelId: string, state: Outgoing): void {
    state.lastSentAt = this.clock.now();
    this.socket()?.emit(MessageEvent.TYPING_START, { channelId, isTyping: true });
  }

  // Incoming ------------------------------------------------------------------------------------

  remoteStarted(channelId: string, userId: string): void {
    const typists = this.incoming.get(channelId) ?? new Map<string, unknown>();
    this.incoming.set(channelId, typists);
    const isNew = !typists.has(userId);
    const previous = typists.get(userId);
    if (previous !== undefined) this.clock.clearTimeout(previous);
    typists.set(
      userId,
      this.clock.setTimeout(() => this.remoteStopped(channelId, userId), this.options.typingExpiryMs),
    );
    if (isNew) this.publish(channelId);
  }

  remoteStopped(channelId: string, userId: string): void {
    const typists = this.incoming.get(channelId);
    const timer = typists?.get(userId);
    if (!typists || timer === undefined) return;
    this.clock.clearTimeout(timer);
    typists.delete(userId);
    this.publish(channelId);
  }

  /** The connection dropped: nobody's indicator can be refreshed any more. */
  clearRemote(): void {
    for (const [channelId, typists] of this.incoming) {
      for (const timer of typists.values()) this.clock.clearTimeout(timer);
      typists.clear();
      this.publish(channelId);
    }
    this.incoming.clear();
  }

  dispose(): void {
    for (const channelId of [...this.outgoing.keys()]) this.stop(channelId);
    this.clearRemote();
  }

  private publish(channelId: string): void {
    const ids = [...(this.incoming.get(channelId)?.keys() ?? [])];
    const typists = ids.map((id) => this.nameOf(channelId, id) ?? { id, name: 'Someone' });
    this.changed(channelId, typists);
  }
}
