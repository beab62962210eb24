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
 *
 * Holds (memory only). A replay is not counted (interface.md), and a send is known to be one for sure
 * only inside its insert's transaction, which both stores check anyway. So rather than read the store
 * before every send, a send takes a token on hold: kept once its message is stored, released (as if
 * never taken) when it turns out a copy or is refused OUT_OF_ORDER by the store. A send that finds no
 * free token while others of its user are on hold waits for them to settle, then is judged at the time
 * it arrived (so the wait lets no refill in), and is looked up before it is refused, so a copy never
 * starts a block. Redis cannot take a token back this exactly: there every send is looked up first.
 */
import { ErrorCode } from '../../src-shared/protocol';
import { AppError } from '../errors';

/** As long as the bucket takes to fill from empty (see above). */
export const BLOCK_MS = 1_000;

export interface MessageRateLimiter {
  /**
   * Takes one message from the user's allowance, judged at `at` (the limiter's clock; default now);
   * throws (or rejects with) RATE_LIMITED, carrying retryAfterMs, when there is none. Synchronous when it
   * can answer without a round trip.
   */
  consume(userId: string, at?: number): void | Promise<void>;
  /** Tokens on hold (see above); absent where a token cannot be given back exactly (Redis). */
  holds?: TokenHolds;
}

/** A token taken for a send not yet known to be fresh. */
export interface Hold {
  /** The message was stored: the token counts. */
  keep(): void;
  /** A copy, or refused by the store: as if the token had never been taken. */
  release(): void;
}

export interface TokenHolds {
  /** The limiter's clock: a send's arrival, which it is judged at. */
  now(): number;
  /** A token on hold, judged at `at`; undefined when none is free (blocked, or all taken or held). */
  hold(userId: string, at: number): Hold | undefined;
  /** Settles once every hold of the user taken so far is kept or released. */
  settled(userId: string): Promise<void>;
}

/** A hold with nothing to settle: the limit is off, or the token was taken for good (`consume`). */
export const NO_HOLD: Hold = { keep: () => {}, release: () => {} };
/** The limit off: every send holds a token that is nothing. */
const UNLIMITED: MessageRateLimiter = {
  consume: () => {},
  holds: { now: () => 0, hold: () => NO_HOLD, settled: () => Promise.resolve() },
};

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
  /** Tokens on hold (taken from `tokens`), each until kept or released. */
  held: Set<TokenHold> | undefined;
}

class TokenHold implements Hold {
  private waiters: (() => void)[] | undefined;
  constructor(
    private readonly bucket: Bucket,
    private readonly perSecond: number,
  ) {}

  keep(): void {
    this.settle();
  }

  release(): void {
    if (!this.bucket.held?.has(this)) return;
    this.bucket.tokens = Math.min(this.perSecond, this.bucket.tokens + 1);
    this.settle();
  }

  /** Settles once kept or released. */
  done(): Promise<void> {
    if (!this.bucket.held?.has(this)) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters ??= [];
      this.waiters.push(resolve);
    });
  }

  private settle(): void {
    if (!this.bucket.held?.delete(this)) return;
    for (const resolve of this.waiters?.splice(0) ?? []) resolve();
  }
}

/** Buckets are dropped once full and unblocked (they are then the same as no bucket); this often. */
const SWEEP_EVERY = 1_024;

export function createMessageRateLimiter(
  perSecond: number,
  now: () => number = () => performance.now(),
): MessageRateLimiter {
  if (perSecond <= 0) return UNLIMITED;
  const buckets = new Map<string, Bucket>();
  let consumed = 0;

  /** Brings the bucket up to time t: tokens refilled, an ended block lifted. */
  const update = (bucket: Bucket, at: number): void => {
    // A send judged at its arrival, after a later one was: no refill, and none taken back.
    const t = Math.max(at, bucket.at);
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
      if (bucket.tokens >= perSecond && bucket.blockedUntil === 0 && !bucket.held?.size)
        buckets.delete(userId);
    }
  };

  /** The user's bucket brought up to `at`, with a token taken from it if one is free. */
  const take = (userId: string, at: number): { bucket: Bucket; taken: boolean } => {
    if (++consumed % SWEEP_EVERY === 0) sweep(at);
    let bucket = buckets.get(userId);
    if (!bucket) {
      bucket = { tokens: perSecond, at, blockedUntil: 0, held: undefined };
      buckets.set(userId, bucket);
    }
    update(bucket, at);
    const taken = bucket.blockedUntil === 0 && bucket.tokens >= 1;
    if (taken) bucket.tokens -= 1;
    return { bucket, taken };
  };

  return {
    holds: {
      now,
      hold(userId, at) {
        const { bucket, taken } = take(userId, at);
        if (!taken) return undefined;
        const hold = new TokenHold(bucket, perSecond);
        bucket.held ??= new Set();
        bucket.held.add(hold);
        return hold;
      },
      async settled(userId) {
        const held = buckets.get(userId)?.held;
        if (held?.size) await Promise.all([...held].map((hold) => hold.done()));
      },
    },
    consume(userId, at = now()) {
      const { bucket, taken } = take(userId, at);
      if (taken) return;
      const t = bucket.at;
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
