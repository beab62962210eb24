/**
 * Who may send where, remembered: `message:send` asked SQLite twice per message (the membership row and
 * the channel's archived flag), about a fifth of the server's own CPU per message on the idle path
 * (BENCHMARKS.md, "Where a message's time goes"). Only the answer "member of a channel that is not
 * archived" is kept; a refusal is always read again, so a join counts at once.
 *
 * Forgetting. Every change that can take that answer away reaches `forget`:
 * - on every instance, through the path that already carries membership changes to its sockets
 *   (workspace/apply.ts: the HTTP routes' `ctx.notify`, other instances over Redis or PostgreSQL, and
 *   `npm run admin` on the same machine): a member removed or gone, a channel changed (archived), a user's
 *   sessions revoked (deactivated);
 * - and on this instance, the store's own writes of those kinds (`watch`), even when nothing notifies
 *   them (a test or a tool writing through `server.store`).
 * A read that was under way when something was forgotten is not kept (the epoch): it may predate it.
 */
import type { WorkspaceChange } from '../src-shared/protocol';
import { requireWritable } from './membership';
import type { Store } from './store/types';

/** Past this many remembered (user, channel) pairs the cache starts again empty: memory stays bounded. */
export const MAX_REMEMBERED = 100_000;

/** The store's writes that may take a member's right to send away. */
const FORGETTING_WRITES = ['removeMember', 'updateChannel', 'changeAuth'] as const;

export class MembershipCache {
  /** channelId → users known to be members of it, while it is not archived. */
  private readonly writable = new Map<string, Set<string>>();
  private size = 0;
  /** Bumped by every forget: a read that started before it is not kept. */
  private epoch = 0;

  /** Answered yes before and not forgotten since: no need to ask (requireWritable would not wait). */
  knownWritable(channelId: string, userId: string): boolean {
    return this.writable.get(channelId)?.has(userId) ?? false;
  }

  /** requireWritable (membership.ts), answered from memory when it was answered yes before. */
  async requireWritable(store: Store, channelId: string, userId: string): Promise<void> {
    if (this.knownWritable(channelId, userId)) return;
    const epoch = this.epoch;
    await requireWritable(store, channelId, userId);
    if (epoch === this.epoch) this.remember(channelId, userId);
  }

  /** A workspace change, as every instance applies it. */
  forget(change: WorkspaceChange): void {
    switch (change.type) {
      case 'member':
        if (!change.joined) this.forgetMember(change.channelId, change.userId);
        return;
      case 'channel':
        this.forgetChannel(change.channelId);
        return;
      case 'revoke':
        this.clear();
        return;
      case 'presence':
        return;
    }
  }

  /** The same store, whose writes that may take a right away also forget (before and once done). */
  watch(store: Store): Store {
    // The store's methods, bound once (as ops/store-metrics.ts does); the forgetting writes wrapped.
    const forgetting = new Map<PropertyKey, unknown>();
    for (const name of FORGETTING_WRITES) {
      const write = store[name].bind(store) as (...args: unknown[]) => Promise<unknown>;
      forgetting.set(name, (...args: unknown[]) => {
        this.clear();
        return write(...args).finally(() => this.clear());
      });
    }
    return new Proxy(store, {
      get: (target, key) => {
        if (!forgetting.has(key)) {
          const value = Reflect.get(target, key, target);
          if (typeof value !== 'function') return value;
          forgetting.set(key, value.bind(target));
        }
        return forgetting.get(key);
      },
    });
  }

  private remember(channelId: string, userId: string): void {
    if (this.size >= MAX_REMEMBERED) this.clear();
    let users = this.writable.get(channelId);
    if (!users) {
      users = new Set();
      this.writable.set(channelId, users);
    }
    if (users.has(userId)) return;
    users.add(userId);
    this.size++;
  }

  private forgetMember(channelId: string, userId: string): void {
    this.epoch++;
    if (this.writable.get(channelId)?.delete(userId)) this.size--;
  }

  private forgetChannel(channelId: string): void {
    this.epoch++;
    this.size -= this.writable.get(channelId)?.size ?? 0;
    this.writable.delete(channelId);
  }

  private clear(): void {
    this.epoch++;
    this.writable.clear();
    this.size = 0;
  }
}
