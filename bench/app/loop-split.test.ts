import { describe, expect, it } from 'vitest';
import { type Gap, gapBetween, splitGaps } from './loop-split';

const ms = 1e6;

/** A gap of `wall` ms of which `ran` on a core and `waited` in the run queue. */
function gap(wall: number, ran: number, waited: number): Gap {
  return gapBetween(
    { atNs: 0, ranNs: 0, waitedNs: 0 },
    { atNs: wall * ms, ranNs: ran * ms, waitedNs: waited * ms },
  );
}

describe('a loop gap split by schedstat', () => {
  it('is wall = on a core + waiting + blocked, with cumulative counters read at both firings', () => {
    const g = gapBetween(
      { atNs: 1_000 * ms, ranNs: 50 * ms, waitedNs: 20 * ms },
      { atNs: 1_030 * ms, ranNs: 58 * ms, waitedNs: 35 * ms },
    );
    expect(g).toEqual({ fromMs: 1_000, wallMs: 30, ranMs: 8, waitedMs: 15, blockedMs: 7 });
  });

  it('never reads a negative block when the counters ran a little ahead of the clock', () => {
    expect(gap(10, 6, 4.01).blockedMs).toBe(0);
  });
});

describe('the split of a run of gaps', () => {
  it('ranks each column on its own at the top 1 %', () => {
    // 199 short gaps and one long wait and one long turn: 201 gaps, k = ceil(2.01) = 3.
    const gaps = [...Array.from({ length: 199 }, () => gap(1, 0.9, 0.1)), gap(60, 5, 50), gap(40, 35, 1)];
    const s = splitGaps(gaps)!;
    expect(s.gaps).toBe(201);
    expect(s.top.count).toBe(3);
    // The third largest of each column is a short gap's: neither long gap alone makes the p99.
    expect(s.p99.wall).toBe(1);
    expect(s.p99.ranOnCore).toBeCloseTo(0.9);
  });

  it('says what the top 1 % by wall was made of, and what the p99 reads without the waits', () => {
    // 100 gaps, k = 1: the one long gap is the p99, and it was a wait.
    const gaps = [...Array.from({ length: 99 }, () => gap(2, 1, 0.5)), gap(80, 10, 60)];
    const s = splitGaps(gaps)!;
    expect(s.p99.wall).toBe(80);
    expect(s.p99.waitedForCore).toBe(60);
    expect(s.p99.ranOnCore).toBe(10);
    expect(s.p99.blocked).toBe(10);
    expect(s.p99.withoutWait).toBe(20);
    expect(s.top).toEqual({ count: 1, wallMs: 80, ranMs: 10, waitedMs: 60, blockedMs: 10 });
    expect(s.total.wallMs).toBeCloseTo(99 * 2 + 80);
    expect(s.total.waitedMs).toBeCloseTo(99 * 0.5 + 60);
  });

  it('reads nothing from no gaps', () => {
    expect(splitGaps([])).toBeNull();
  });
});
