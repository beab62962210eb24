/**
 * MESSAGE_RATE_LIMIT: fresh messages a second per user, with a burst of that many. 0 turns it off.
 * In memory: with several instances each one counts its own share.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCode } from '../../src-shared/protocol';
import { AppError } from '../errors';

export interface MessageRateLimiter {
  /** Throws RATE_LIMITED when the user is over the limit. */
  consume(userId: string): Promise<void>;
}

export function createMessageRateLimiter(perSecond: number): MessageRateLimiter {
  if (perSecond <= 0) return { consume: async () => {} };
  const limiter = new RateLimiterMemory({ points: perSecond, duration: 1 });
  return {
    async consume(userId) {
      try {
        await limiter.consume(userId);
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          throw new AppError(ErrorCode.RATE_LIMITED, `Too many messages: at most ${perSecond} a second`);
        }
        throw err;
      }
    },
  };
}
