/**
 * Slows password guessing. Every attempt takes a point from three allowances BEFORE the password is
 * checked, so parallel guesses are counted as they arrive, not as scrypt answers:
 * - one username from one address: MAX_LOGIN_FAILURES per window (a success clears it);
 * - one address, any usernames: ADDRESS_ATTEMPTS per window (a success gives its point back);
 * - one username, any addresses: USERNAME_ATTEMPTS per window (a success gives its point back), so
 *   guesses spread over many addresses are slowed too.
 * An allowance used up answers 429 until its window ends. With REDIS_URL every instance counts together.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { ErrorCode } from '../../src-shared/protocol';
import { AppError } from '../errors';
import { consume, type LimitBackend } from '../limits/limiter';

export const MAX_LOGIN_FAILURES = 10;
export const ADDRESS_ATTEMPTS = 100;
export const USERNAME_ATTEMPTS = 50;
const WINDOW_SECONDS = 5 * 60;
const REFUSED = 'Too many failed logins: try again in a few minutes';

/** One counted attempt: tell it how it ended. */
export interface LoginAttempt {
  /** The password was right: the guesses of this username from this address are forgotten. */
  succeeded(): Promise<void>;
  /** The password was never checked (the server was too busy): the attempt did not count. */
  notChecked(): Promise<void>;
}

export class LoginThrottle {
  private readonly pair: RateLimiterAbstract;
  private readonly address: RateLimiterAbstract;
  private readonly username: RateLimiterAbstract;

  constructor(backend: LimitBackend) {
    const rule = (name: string, points: number) =>
      backend.limiter({ name, points, windowSeconds: WINDOW_SECONDS });
    this.pair = rule('login-pair', MAX_LOGIN_FAILURES);
    this.address = rule('login-address', ADDRESS_ATTEMPTS);
    this.username = rule('login-username', USERNAME_ATTEMPTS);
  }

  /** Counts an attempt, or throws RATE_LIMITED when any allowance is used up (taking nothing more). */
  async begin(address: string, username: string): Promise<LoginAttempt> {
    const pairKey = `${address}|${username}`;
    const taken: (readonly [RateLimiterAbstract, string])[] = [];
    const giveBack = () => Promise.all(taken.map(([limiter, key]) => limiter.reward(key, 1)));
    try {
      for (const step of [
        [this.pair, pairKey],
        [this.address, address],
        [this.username, username],
      ] as const) {
        // Taken before it is known to fit: a refusing counter has counted the attempt too (the limiter
        // adds before it compares), so it is given back with the others below.
        taken.push(step);
        await consume(step[0], step[1], REFUSED);
      }
    } catch (err) {
      // Refused by one allowance: no allowance keeps a point for an attempt that was never checked,
      // or a point given back later (a success, a busy pool) would not let the next attempt in.
      if (!(err instanceof AppError && err.code === ErrorCode.RATE_LIMITED)) taken.pop();
      await giveBack();
      throw err;
    }
    return {
      succeeded: async () => {
        await Promise.all([
          this.pair.delete(pairKey),
          this.address.reward(address, 1),
          this.username.reward(username, 1),
        ]);
      },
      notChecked: async () => {
        await giveBack();
      },
    };
  }
}
