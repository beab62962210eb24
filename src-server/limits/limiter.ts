/**
 * The limiter factory for logins, typing and receipts (messages keep their own, socket/rate-limit.ts):
 * rate-limiter-flexible counters kept in memory, or in Redis when REDIS_URL is set, so that every
 * instance counts the same user or address together.
 */
import type { Logger } from 'pino';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { createClient } from 'redis';
import { ErrorCode } from '../../src-shared/protocol';
import { AppError } from '../errors';
import { closeRedisClient } from '../redis';

export interface LimitRule {
  /** Names the counter in Redis; also keeps two rules' keys apart. */
  name: string;
  /** Allowed per window. */
  points: number;
  windowSeconds: number;
}

/** Where counters live: this process, or a Redis every instance shares. */
export interface LimitBackend {
  limiter(rule: LimitRule): RateLimiterAbstract;
  close(): Promise<void>;
}

export const memoryBackend = (): LimitBackend => ({
  limiter: (rule) => new RateLimiterMemory(options(rule)),
  close: async () => {},
});

/** A Redis backend; should Redis become unreachable, each instance falls back to counting alone. */
export async function redisBackend(url: string, logger: Logger): Promise<LimitBackend> {
  const client = createClient({ url });
  client.on('error', (err: unknown) => logger.error({ err }, 'redis error (limits)'));
  await client.connect();
  return {
    limiter: (rule) =>
      new RateLimiterRedis({
        ...options(rule),
        storeClient: client,
        useRedisPackage: true,
        insuranceLimiter: new RateLimiterMemory(options(rule)),
      }),
    close: () => closeRedisClient(client),
  };
}

export function openLimitBackend(redisUrl: string | undefined, logger: Logger): Promise<LimitBackend> {
  return redisUrl ? redisBackend(redisUrl, logger) : Promise.resolve(memoryBackend());
}

const options = (rule: LimitRule) => ({
  keyPrefix: `relay:limit:${rule.name}`,
  points: rule.points,
  duration: rule.windowSeconds,
});

/**
 * Takes `points` from `key`'s allowance, or throws RATE_LIMITED with `message` and `retryAfterMs` (when
 * the window that refused it ends). A refusal from the counter store itself (not an exhausted
 * allowance) propagates as the error it is.
 */
export async function consume(
  limiter: RateLimiterAbstract,
  key: string,
  message: string,
  points = 1,
): Promise<void> {
  try {
    await limiter.consume(key, points);
  } catch (err) {
    if (err instanceof RateLimiterRes) {
      throw new AppError(ErrorCode.RATE_LIMITED, message, {
        retryAfterMs: Math.max(0, Math.ceil(err.msBeforeNext)),
      });
    }
    throw err;
  }
}
