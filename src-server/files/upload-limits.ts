/**
 * Per-user upload limits, counted by the shared limit backend (Redis with REDIS_URL, so every instance
 * counts a user together): how many uploads a minute, and how many bytes a day.
 *
 * Bytes are reserved before the upload streams (its Content-Length, else UPLOAD_MAX_BYTES) and what was
 * not used is given back after: parallel uploads cannot together overrun the quota.
 */
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { consume, type LimitBackend } from '../limits/limiter';

export const UPLOADS_PER_MINUTE = 30;
/** Default UPLOAD_QUOTA_BYTES: bytes a user may upload in 24 h. */
export const DEFAULT_UPLOAD_QUOTA_BYTES = 1024 ** 3;
const DAY_SECONDS = 24 * 3600;

export class UploadLimits {
  private readonly uploads: RateLimiterAbstract;
  private readonly bytes: RateLimiterAbstract | undefined;

  /** `quotaBytes` 0: no daily quota. */
  constructor(
    backend: LimitBackend,
    private readonly quotaBytes: number,
  ) {
    this.uploads = backend.limiter({ name: 'uploads', points: UPLOADS_PER_MINUTE, windowSeconds: 60 });
    this.bytes =
      quotaBytes > 0
        ? backend.limiter({ name: 'upload-bytes', points: quotaBytes, windowSeconds: DAY_SECONDS })
        : undefined;
  }

  /**
   * Counts one upload and reserves `bytes` of the day's quota, or throws RATE_LIMITED. The returned
   * function gives back what the upload did not use (all of it when it failed).
   */
  async reserve(userId: string, bytes: number): Promise<(used: number) => Promise<void>> {
    await consume(this.uploads, userId, `Too many uploads: at most ${UPLOADS_PER_MINUTE} a minute`);
    const quota = this.bytes;
    if (!quota || bytes === 0) return async () => {};
    try {
      await consume(
        quota,
        userId,
        `Upload quota used up: at most ${formatBytes(this.quotaBytes)} in 24 hours`,
        bytes,
      );
    } catch (err) {
      // The counter took the points even though it refused them: a refused upload uses no quota.
      await quota.reward(userId, bytes);
      throw err;
    }
    return async (used) => {
      if (used < bytes) await quota.reward(userId, bytes - used);
    };
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
