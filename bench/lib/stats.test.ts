import { describe, expect, it } from 'vitest';
import { cpuPercent, createHistogram, percentile, recordMs, summarize } from './stats';

describe('percentile', () => {
  it('uses the nearest rank, whatever the input order', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 90)).toBe(9);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('histogram summary', () => {
  it('records milliseconds at microsecond resolution and reports percentiles in milliseconds', () => {
    const h = createHistogram();
    for (let i = 1; i <= 1000; i++) recordMs(h, i / 100); // 0.01 .. 10 ms
    const s = summarize(h);
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(5, 1);
    expect(s.p99).toBeCloseTo(9.9, 1);
    expect(s.p999).toBeCloseTo(9.99, 1);
    expect(s.max).toBeCloseTo(10, 1);
  });

  it('keeps a pathological stall visible instead of dropping it', () => {
    const h = createHistogram();
    recordMs(h, 0.1);
    recordMs(h, 500_000); // beyond the histogram's range: clamped to 120 s
    expect(summarize(h).max).toBeGreaterThanOrEqual(119_000);
  });
});

describe('cpuPercent', () => {
  it('is CPU seconds over wall seconds, in percent of one core', () => {
    expect(cpuPercent(1, 1.5, 1)).toBe(50);
    expect(cpuPercent(0, 3, 2)).toBe(150);
    expect(cpuPercent(0, 1, 0)).toBe(0);
  });
});
