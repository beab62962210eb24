/**
 * A limit on one kind of socket event (typing, receipts): an allowance per socket, checked first by the
 * socket gate (socket-gate.ts), and a larger one per user, kept by the limit backend (Redis with
 * REDIS_URL, so a user's sockets on every instance share it) and checked by the handler. Over either,
 * the event is refused with RATE_LIMITED and does nothing.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { ChangeEvent, MessageEvent, WorkspaceEvent } from '../../src-shared/protocol';
import { consume, type LimitBackend } from './limiter';
import type { GateRule } from './socket-gate';

export interface EventLimitRule extends GateRule {
  perUser: number;
  windowSeconds: number;
}

/** A rule for `events`, called `name` in its refusals: `allowance` per socket and per user in each window. */
function eventLimit(
  name: string,
  events: readonly string[],
  allowance: Omit<EventLimitRule, 'name' | 'events'>,
): EventLimitRule {
  return { name, events, ...allowance };
}

/** A client debounces typing (300 ms): a few a second is normal; more is a loop or a flood. */
export const TYPING_LIMIT = eventLimit('typing', [MessageEvent.TYPING_START, MessageEvent.TYPING_STOP], {
  perSocket: 10,
  perUser: 20,
  windowSeconds: 1,
});
/**
 * A catch-up sends a receipt per message it fetched (in batches of 64, the next as soon as one is
 * answered), so receipts come in bursts: up to 1,000 per socket in 10 s, 2,000 per user.
 * Cut at 4× (not 10×): at 10× a duplicate flood had 10,000 packets decoded before its cut, and the
 * other users' acks waited behind them (figure 11). Our app stays under it: its batches of 64 stop at
 * a refusal and retry after a backoff or at its next kick (47 of them in one window to reach 4×).
 */
export const RECEIPT_LIMIT = eventLimit('receipts', [MessageEvent.DELIVERED, MessageEvent.READ], {
  perSocket: 1_000,
  perUser: 2_000,
  windowSeconds: 10,
  floodFactor: 4,
});

/**
 * Edits, deletions and reactions: a person makes a few a minute, but an app back online replays its
 * queue of them at once (each answered before the next), so the allowance is for that burst.
 */
export const CHANGE_LIMIT = eventLimit(
  'changes',
  [ChangeEvent.EDIT, ChangeEvent.DELETE, ChangeEvent.REACTION_ADD, ChangeEvent.REACTION_REMOVE],
  { perSocket: 100, perUser: 200, windowSeconds: 10 },
);

/**
 * The app says `presence:set` when its person goes idle or comes back: a few times a minute at the most.
 * The tracker already coalesces what it broadcasts (one a second per user), but each event still costs a
 * parse and a bus message to the other instances; a loop or a flood is refused here instead.
 */
export const PRESENCE_LIMIT = eventLimit('presence', [WorkspaceEvent.PRESENCE_SET], {
  perSocket: 10,
  perUser: 20,
  windowSeconds: 10,
});

/** Every limited event family, in the order the per-socket gate checks them. */
export const GATED_EVENT_LIMITS: readonly EventLimitRule[] = [
  TYPING_LIMIT,
  RECEIPT_LIMIT,
  CHANGE_LIMIT,
  PRESENCE_LIMIT,
];

export class EventLimit {
  private readonly byUser: RateLimiterAbstract;
  private readonly message: string;

  constructor(backend: LimitBackend, rule: EventLimitRule) {
    this.byUser = backend.limiter({
      name: rule.name,
      points: rule.perUser,
      windowSeconds: rule.windowSeconds,
    });
    this.message = `Too many ${rule.name} events: at most ${rule.perUser} in ${rule.windowSeconds} s per user`;
  }

  /** Throws RATE_LIMITED when this user (on any instance) has used up the allowance. */
  async consume(userId: string): Promise<void> {
    await consume(this.byUser, userId, this.message);
  }
}
