/** The per-user event limit on the memory backend: over the allowance it refuses, saying when to retry. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { EventLimit, TYPING_LIMIT } from './event-limit';
import { memoryBackend } from './limiter';

describe('EventLimit', () => {
  it('refuses the event past the per-user allowance with RATE_LIMITED and retryAfterMs within the window', async () => {
    const limit = new EventLimit(memoryBackend(), TYPING_LIMIT);
    for (let i = 0; i < TYPING_LIMIT.perUser; i++) await limit.consume('u1');
    const refusal = await limit.consume('u1').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(AppError);
    const { code, hints } = refusal as AppError;
    expect(code).toBe('RATE_LIMITED');
    expect(hints.retryAfterMs).toBeGreaterThan(0);
    expect(hints.retryAfterMs).toBeLessThanOrEqual(TYPING_LIMIT.windowSeconds * 1_000);
    // Another user's allowance is untouched.
    await expect(limit.consume('u2')).resolves.toBeUndefined();
  });
});
