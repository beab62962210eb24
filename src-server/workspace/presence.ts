/**
 * Presence: online while a socket is connected, away when the app says its person is idle, offline once
 * the last socket has been gone OFFLINE_AFTER_MS (a reconnect within that time changes nothing).
 * Updates go only to the people who share a channel with the user (their channel rooms, so through the
 * Redis adapter to every instance), at most one a second per user: a flapping connection sends the
 * latest state once the second is over, and nothing at all when it ends where it started.
 * Other instances learn the state through the workspace bus, for `GET /api/users`.
 */
import {
  channelRoom,
  OFFLINE_AFTER_MS,
  PRESENCE_COALESCE_MS,
  type Presence,
  WorkspaceEvent,
} from '../../src-shared/protocol';
import type { RelayServer } from '../socket/types';
import type { Store } from '../store/types';

interface Local {
  sockets: number;
  away: boolean;
  offlineTimer?: NodeJS.Timeout;
}

interface Announced {
  /** What the others were last told. */
  sent: Presence;
  at: number;
  pending?: NodeJS.Timeout;
}

export interface PresenceOptions {
  offlineAfterMs?: number;
  coalesceMs?: number;
  /** Tells the other instances (ctx.notify); called with every change this instance decides. */
  share?(userId: string, presence: Presence): void;
}

export class PresenceTracker {
  private readonly local = new Map<string, Local>();
  private readonly known = new Map<string, Presence>();
  private readonly announced = new Map<string, Announced>();
  private readonly offlineAfterMs: number;
  private readonly coalesceMs: number;
  private closed = false;

  constructor(
    private readonly io: RelayServer,
    private readonly store: Store,
    private readonly options: PresenceOptions = {},
  ) {
    this.offlineAfterMs = options.offlineAfterMs ?? OFFLINE_AFTER_MS;
    this.coalesceMs = options.coalesceMs ?? PRESENCE_COALESCE_MS;
  }

  of(userId: string): Presence {
    return this.known.get(userId) ?? 'offline';
  }

  /**
   * A socket of `userId` connected. `channelIds`: their channels, when the caller has just read them (the
   * handshake joins their rooms): an announcement sent now uses them instead of reading them again.
   */
  connected(userId: string, channelIds?: readonly string[]): void {
    const entry = this.local.get(userId) ?? { sockets: 0, away: false };
    clearTimeout(entry.offlineTimer);
    entry.offlineTimer = undefined;
    entry.sockets += 1;
    this.local.set(userId, entry);
    this.decide(userId, entry.away ? 'away' : 'online', channelIds);
  }

  disconnected(userId: string): void {
    const entry = this.local.get(userId);
    if (!entry) return;
    entry.sockets -= 1;
    if (entry.sockets > 0) return;
    entry.offlineTimer = setTimeout(() => {
      this.local.delete(userId);
      this.decide(userId, 'offline');
    }, this.offlineAfterMs);
    entry.offlineTimer.unref();
  }

  /** The app's report: idle (`away`) or back (`online`). */
  set(userId: string, presence: 'online' | 'away'): void {
    const entry = this.local.get(userId);
    if (!entry || entry.sockets === 0) return;
    entry.away = presence === 'away';
    this.decide(userId, presence);
  }

  /** Another instance decided: remember it; if this instance still holds the user's sockets, it wins. */
  remote(userId: string, presence: Presence): void {
    this.known.set(userId, presence);
    const entry = this.local.get(userId);
    if (presence === 'offline' && entry && entry.sockets > 0)
      this.decide(userId, entry.away ? 'away' : 'online');
  }

  private decide(userId: string, presence: Presence, channelIds?: readonly string[]): void {
    if (this.known.get(userId) === presence && this.announced.get(userId)?.sent === presence) return;
    this.known.set(userId, presence);
    this.options.share?.(userId, presence);
    this.schedule(userId, channelIds);
  }

  /** Sends the current state now, or once this user's second is over. */
  private schedule(userId: string, channelIds?: readonly string[]): void {
    const last = this.announced.get(userId);
    if (last?.pending) return;
    const wait = last ? last.at + this.coalesceMs - Date.now() : 0;
    if (wait <= 0) {
      void this.send(userId, channelIds);
      return;
    }
    const entry: Announced = last!;
    entry.pending = setTimeout(() => {
      entry.pending = undefined;
      void this.send(userId);
    }, wait);
    entry.pending.unref();
  }

  /** `known`: the user's channels as just read by the caller; otherwise read now (a later send may be late). */
  private async send(userId: string, known?: readonly string[]): Promise<void> {
    const presence = this.of(userId);
    const last = this.announced.get(userId);
    if (last?.sent === presence || this.closed) return;
    this.announced.set(userId, { sent: presence, at: Date.now() });
    const channelIds = known ?? (await this.store.memberChannelIds(userId).catch(() => []));
    if (channelIds.length === 0 || this.closed) return;
    this.io.to(channelIds.map(channelRoom)).emit(WorkspaceEvent.PRESENCE_UPDATE, { userId, presence });
  }

  close(): void {
    this.closed = true;
    for (const entry of this.local.values()) clearTimeout(entry.offlineTimer);
    for (const entry of this.announced.values()) clearTimeout(entry.pending);
  }
}
