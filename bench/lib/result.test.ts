import { describe, expect, it } from 'vitest';
import { describeChecks, formatNumber, makeRow, meetsAll, ratioOf } from './result';

describe('ratioOf', () => {
  it('divides by the baseline, and gives null without one or with a zero one', () => {
    expect(ratioOf(3, 2)).toBe(1.5);
    expect(ratioOf(3, null)).toBeNull();
    expect(ratioOf(null, 2)).toBeNull();
    expect(ratioOf(3, 0)).toBeNull();
  });
});

describe('meetsAll', () => {
  const atMost2x = { op: '<=', limit: 2, of: 'ratio' } as const;
  const atMost1ms = { op: '<=', limit: 1, of: 'value' } as const;
  const atLeast100k = { op: '>=', limit: 100_000, of: 'value' } as const;

  it('holds on the boundary and fails just past it', () => {
    expect(meetsAll(1, 1, [atMost1ms])).toBe(true);
    expect(meetsAll(1.0001, 1, [atMost1ms])).toBe(false);
    expect(meetsAll(100_000, null, [atLeast100k])).toBe(true);
    expect(meetsAll(99_999, null, [atLeast100k])).toBe(false);
  });

  it('needs every check to hold', () => {
    expect(meetsAll(0.5, 2.5, [atMost1ms, atMost2x])).toBe(false);
    expect(meetsAll(0.5, 1.5, [atMost1ms, atMost2x])).toBe(true);
  });

  it('is undecided (null) when a needed number is missing, but a decided miss still counts', () => {
    expect(meetsAll(null, null, [atMost1ms])).toBeNull();
    expect(meetsAll(0.5, null, [atMost1ms, atMost2x])).toBeNull();
    expect(meetsAll(5, null, [atMost1ms, atMost2x])).toBe(false);
    expect(meetsAll(1, 1, [])).toBeNull();
  });
});

describe('makeRow', () => {
  it('computes ratio, target text and verdict from the checks', () => {
    const row = makeRow({
      name: 'p50',
      value: 0.3,
      unit: 'ms',
      baseline: 0.2,
      checks: [{ op: '<=', limit: 2, of: 'ratio' }],
    });
    expect(row).toMatchObject({ value: 0.3, baseline: 0.2, target: '≤ 2× baseline', meets: true });
    expect(row.ratio).toBeCloseTo(1.5);
  });

  it('keeps an unmeasured figure as a row with a null value and its reason', () => {
    const row = makeRow({
      name: 'x',
      value: null,
      unit: 'ms',
      checks: [{ op: '<=', limit: 1, of: 'value' }],
      note: 'why',
    });
    expect(row).toMatchObject({ value: null, ratio: null, meets: null, note: 'why', baseline: null });
  });
});

describe('describeChecks and formatNumber', () => {
  it('reads like the issue states the targets', () => {
    expect(
      describeChecks(
        [
          { op: '>=', limit: 100_000, of: 'value' },
          { op: '>=', limit: 0.8, of: 'ratio' },
        ],
        'deliveries/s',
      ),
    ).toBe('≥ 100,000 deliveries/s and ≥ 0.8× baseline');
  });

  it('shows three significant digits for small numbers and separators for big ones', () => {
    expect(formatNumber(0.12345)).toBe('0.12');
    expect(formatNumber(1.234)).toBe('1.23');
    expect(formatNumber(12.34)).toBe('12.3');
    expect(formatNumber(123456.7)).toBe('123,457');
    expect(formatNumber(null)).toBe('–');
    expect(formatNumber(Number.NaN)).toBe('–');
  });
});
