/**
 * MESSAGE_RATE_LIMIT counted in Redis (REDIS_URL), so every instance counts one user's messages together:
 * without it, two instances behind one Redis each allowed the whole limit (issue 11: a burst of 8 + 8
 * from one user through two instances, all 16 accepted at a limit of 10).
 *
 * rate-limiter-flexible's Redis limiter: `perSecond` points in a one-second window, then a block of
 * BLOCK_MS (as the memory limiter: refuse the rest of a burst, then let a full allowance through). If
 * Redis cannot answer, each instance falls back to counting on its own (the insurance limiter) rather
 * than refusing every message.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { createClient } from 'redis';
import { BLOCK_MS, type MessageRateLimiter, rateLimited } from './rate-limit';

export type RedisClient = ReturnType<typeof createClient>;

export function createRedisMessageRateLimiter(perSecond: number, client: RedisClient): MessageRateLimiter {
  if (perSecond <= 0) return { consume: () => {} };
  const shape = { points: perSecond, duration: 1, blockDuration: BLOCK_MS / 1_000 };
  const limiter = new RateLimiterRedis({
    ...shape,
    storeClient: client,
    useRedisPackage: true,
    keyPrefix: 'relay:message-rate',
    // A Redis that is down answers at once through the insurance limiter, never after a timeout.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ ...shape, keyPrefix: 'relay:message-rate' }),
  });
  return {
    async consume(userId) {
      try {
        await limiter.consume(userId);
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) throw rateLimited(perSecond, refusal.msBeforeNext ?? BLOCK_MS);
        throw refusal;
      }
    },
  };
}
