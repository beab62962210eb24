import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { busyShare, type CpuTicks, parseProcStat, waitForQuiet } from './quiet';

describe('parseProcStat', () => {
  it('counts idle and iowait as not busy, and leaves guest time out (already in user)', () => {
    const ticks = parseProcStat('cpu  100 5 50 800 40 3 2 0 7 1\ncpu0 50 2 25 400 20 1 1 0 0 0\n');
    expect(ticks).toEqual({ busy: 160, total: 1000 });
  });

  it('reads this machine', () => {
    const ticks = parseProcStat(readFileSync('/proc/stat', 'utf8'));
    expect(ticks.total).toBeGreaterThan(ticks.busy);
    expect(ticks.busy).toBeGreaterThan(0);
  });

  it('refuses anything but the aggregate line', () => {
    expect(() => parseProcStat('intr 1 2 3')).toThrow(/cpu line/);
  });
});

describe('busyShare', () => {
  it('is the busy part of the ticks between two readings', () => {
    expect(busyShare({ busy: 100, total: 1000 }, { busy: 150, total: 1200 })).toBe(0.25);
    expect(busyShare({ busy: 100, total: 1000 }, { busy: 100, total: 1000 })).toBe(0);
  });
});

/** A /proc/stat that moves by the given busy shares, 100 ticks a window. */
function ticksMoving(shares: number[]): () => CpuTicks {
  let at: CpuTicks = { busy: 0, total: 0 };
  let i = -1;
  return () => {
    if (i >= 0) {
      const share = shares[Math.min(i, shares.length - 1)]!;
      at = { busy: at.busy + share * 100, total: at.total + 100 };
    }
    i++;
    return at;
  };
}

describe('waitForQuiet', () => {
  const fast = { threshold: 0.1, windowMs: 1, windows: 2 };

  it('settles after the asked number of quiet windows in a row, not after a lone one', async () => {
    const settled = await waitForQuiet({ ...fast, maxMs: 5_000 }, ticksMoving([0.9, 0.05, 0.6, 0.05, 0.02]));
    expect(settled.quiet).toBe(true);
    expect(settled.busy).toBe(0.02);
  });

  it('gives up after maxMs on a machine that stays busy, and says so', async () => {
    const settled = await waitForQuiet({ ...fast, maxMs: 30 }, ticksMoving([0.5]));
    expect(settled.quiet).toBe(false);
    expect(settled.busy).toBe(0.5);
    expect(settled.waitedMs).toBeGreaterThanOrEqual(30);
  });
});
