/** The tracker that ends connections at their token's expiry, on fake sockets and fake time. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenExpiries } from './auth';

function fakeSocket(tokenExpiresAt: number) {
  return { data: { tokenExpiresAt }, conn: { close: vi.fn() } };
}

describe('TokenExpiries', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('closes each transport at its own expiry, not before, and shares one timer per instant', () => {
    const expiries = new TokenExpiries();
    const [a, b, c] = [fakeSocket(1_005_000), fakeSocket(1_005_000), fakeSocket(1_009_000)];
    for (const s of [a, b, c]) expiries.add(s);
    expect(expiries.size).toBe(2);
    vi.advanceTimersByTime(4_999);
    expect(a.conn.close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(a.conn.close).toHaveBeenCalledTimes(1);
    expect(b.conn.close).toHaveBeenCalledTimes(1);
    expect(c.conn.close).not.toHaveBeenCalled();
    expect(expiries.size).toBe(1);
    vi.advanceTimersByTime(4_000);
    expect(c.conn.close).toHaveBeenCalledTimes(1);
    expect(expiries.size).toBe(0);
  });

  it('forgets a socket that went, and drops an instant nobody is left in', () => {
    const expiries = new TokenExpiries();
    const [a, b] = [fakeSocket(1_005_000), fakeSocket(1_005_000)];
    expiries.add(a);
    expiries.add(b);
    expiries.remove(a);
    expect(expiries.size).toBe(1);
    expiries.remove(b);
    expect(expiries.size).toBe(0);
    expiries.remove(b); // twice: nothing
    vi.advanceTimersByTime(10_000);
    expect(a.conn.close).not.toHaveBeenCalled();
    expect(b.conn.close).not.toHaveBeenCalled();
  });

  it('closes at once a socket whose token has already expired', () => {
    const expiries = new TokenExpiries();
    const late = fakeSocket(999_000);
    expiries.add(late);
    vi.advanceTimersByTime(0);
    expect(late.conn.close).toHaveBeenCalledTimes(1);
  });

  it('waits past the longest timer for a token that lives longer (about 24.8 days)', () => {
    const expiries = new TokenExpiries();
    const longLived = fakeSocket(1_000_000 + 30 * 24 * 3600 * 1000);
    expiries.add(longLived);
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(longLived.conn.close).not.toHaveBeenCalled();
    expect(expiries.size).toBe(1);
    vi.advanceTimersByTime(30 * 24 * 3600 * 1000 - (2 ** 31 - 1));
    expect(longLived.conn.close).toHaveBeenCalledTimes(1);
  });

  it('close() stops every timer', () => {
    const expiries = new TokenExpiries();
    const a = fakeSocket(1_005_000);
    expiries.add(a);
    expiries.close();
    vi.advanceTimersByTime(10_000);
    expect(a.conn.close).not.toHaveBeenCalled();
  });
});
