/**
 * MESSAGE_RATE_LIMIT: fresh messages a second per user, with a burst of that many. 0 turns it off.
 *
 * A token bucket per user (holds `perSecond` tokens, refilled continuously at `perSecond` a second), and
 * a block: the first refusal refuses everything from that user for BLOCK_MS, by whose end the bucket is
 * full again. Every refusal says how long is left (`retryAfterMs`), so a client with a backlog waits that
 * long and then sends a burst, instead of knocking at a closed door.
 *
 * The limit does not keep a channel in order; it was once thought to, on the assumption that a client's
 * pipeline always arrives within the block, which a slow uplink breaks (issue 11: the messages arriving
 * after the block ended were stored ahead of the refused one's retry). Numbered sends are ordered by
 * construction (device-order.ts: a send that is not its device's next is refused OUT_OF_ORDER, before
 * this limit, which it does not count against); unnumbered sends (plain clients) carry no order the
 * server could keep beyond arrival.
 *
 * In memory, synchronous (checked inside a send's ordered turn without an await). With REDIS_URL every
 * instance counts together (rate-limit-redis.ts); that check is a round trip, awaited in the turn.
 */
import { ErrorCode } from '../../src-shared/protocol';
import { AppError } from '../errors';

/** As long as the bucket takes to fill from empty (see above). */
export const BLOCK_MS = 1_000;

export interface MessageRateLimiter {
  /**
   * Takes one message from the user's allowance; throws (or rejects with) RATE_LIMITED, carrying
   * retryAfterMs, when there is none. Synchronous when it can answer without a round trip.
   */
  consume(userId: string): void | Promise<void>;
}

export function rateLimited(perSecond: number, retryAfterMs: number): AppError {
  return new AppError(ErrorCode.RATE_LIMITED, `Too many messages: at most ${perSecond} a second`, {
    retryAfterMs: Math.max(0, Math.ceil(retryAfterMs)),
  });
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
  /** Refused until then (ms on the limiter's clock); 0 when not blocked. */
  blockedUntil: number;
}

/** Buckets are dropped once full and unblocked (they are then the same as no bucket); this often. */
const SWEEP_EVERY = 1_024;

export function createMessageRateLimiter(
  perSecond: number,
  now: () => number = () => performance.now(),
): MessageRateLimiter {
  if (perSecond <= 0) return { consume: () => {} };
  const buckets = new Map<string, Bucket>();
  let consumed = 0;

  /** Brings the bucket up to time t: tokens refilled, an ended block lifted. */
  const update = (bucket: Bucket, t: number): void => {
    if (bucket.blockedUntil > 0 && t >= bucket.blockedUntil) {
      // A block lasts as long as the bucket takes to fill from empty: said outright, not left to the
      // sum of fractional refills, which can fall a hair short of a whole token.
      bucket.tokens = perSecond;
      bucket.blockedUntil = 0;
    } else {
      bucket.tokens = Math.min(perSecond, bucket.tokens + ((t - bucket.at) * perSecond) / 1_000);
    }
    bucket.at = t;
  };

  const sweep = (t: number): void => {
    for (const [userId, bucket] of buckets) {
      update(bucket, t);
      if (bucket.tokens >= perSecond && bucket.blockedUntil === 0) buckets.delete(userId);
    }
  };

  return {
    consume(userId) {
      const t = now();
      if (++consumed % SWEEP_EVERY === 0) sweep(t);
      let bucket = buckets.get(userId);
      if (!bucket) {
        bucket = { tokens: perSecond, at: t, blockedUntil: 0 };
        buckets.set(userId, bucket);
      }
      update(bucket, t);
      if (bucket.blockedUntil === 0 && bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      // Only the first refusal starts a block: a client that keeps sending into it is not held longer.
      // That refusal says BLOCK_MS outright: (t + BLOCK_MS) - t can come out a hair over in floating
      // point, which the ceiling would turn into 1,001 ms.
      if (bucket.blockedUntil === 0) {
        bucket.blockedUntil = t + BLOCK_MS;
        throw rateLimited(perSecond, BLOCK_MS);
      }
      throw rateLimited(perSecond, Math.min(BLOCK_MS, bucket.blockedUntil - t));
    },
  };
}
