/** The bounded password-check pool: a full queue refuses at once, saying when to come back. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { BUSY_RETRY_AFTER_MS, HashPool } from './hash-pool';

describe('HashPool', () => {
  it('refuses past its per-address queue with RATE_LIMITED and retryAfterMs, and runs the rest', async () => {
    const pool = new HashPool({ concurrency: 1, perAddressRunning: 1, perAddressQueue: 2, queueLimit: 10 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const accepted = [pool.run('a', () => held), pool.run('a', async () => 2), pool.run('a', async () => 3)];
    const refusal = await pool
      .run('a', async () => 4)
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('RATE_LIMITED');
    expect((refusal as AppError).hints.retryAfterMs).toBe(BUSY_RETRY_AFTER_MS);
    release();
    expect(await Promise.all(accepted)).toEqual([undefined, 2, 3]);
  });
});
