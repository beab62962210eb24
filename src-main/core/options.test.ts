import { describe, expect, it } from 'vitest';
import { backoffDelay, resolveOptions } from './options';

describe('backoffDelay', () => {
  it('grows exponentially from the minimum, is capped, and is jittered', () => {
    const high = resolveOptions({ backoffMinMs: 100, backoffMaxMs: 5_000, random: () => 1 });
    expect([0, 1, 2, 3, 10, 100].map((a) => backoffDelay(a, high))).toEqual([
      100, 200, 400, 800, 5_000, 5_000,
    ]);
    const low = resolveOptions({ backoffMinMs: 100, backoffMaxMs: 5_000, random: () => 0 });
    expect(backoffDelay(10, low)).toBe(50);
  });

  it('by default never waits more than 5 s to reconnect, jittered (issue 11: 30 s kept a client offline)', () => {
    const draws = [0, 0.25, 0.5, 0.75, 1];
    const delays = draws.map((r) => backoffDelay(50, resolveOptions({ random: () => r })));
    expect(Math.max(...delays)).toBe(5_000);
    expect(new Set(delays).size).toBe(draws.length);
  });

  it('defaults to a 24 h retry window', () => {
    expect(resolveOptions().retryWindowMs).toBe(24 * 60 * 60 * 1000);
    expect(resolveOptions({ retryWindowMs: undefined }).retryWindowMs).toBe(24 * 60 * 60 * 1000);
  });
});
