import { describe, expect, it } from 'vitest';
import { applySet, FIGURES, FULL, parseArgs, QUICK, TARGETS } from './config';
import { makeRow } from './lib/result';

describe('parseArgs', () => {
  it('runs every figure at full scale by default', () => {
    const options = parseArgs([]);
    expect(options.figures).toEqual([...FIGURES]);
    expect(options.scale).toEqual(FULL);
  });

  it('takes --quick, --only and --set, the last applied on top of the chosen scale', () => {
    const options = parseArgs(['--quick', '--only', '1,5', '--set', 'connections.count=300']);
    expect(options.figures).toEqual(['1', '5']);
    expect(options.scale.connections.count).toBe(300);
    expect(options.scale.load).toEqual(QUICK.load);
  });

  it("takes the profiles' sampling interval in µs, a positive whole number only", () => {
    expect(parseArgs([]).cpuProfIntervalUs).toBeNull();
    expect(parseArgs(['--cpu-prof', 'p', '--cpu-prof-interval', '50']).cpuProfIntervalUs).toBe(50);
    expect(() => parseArgs(['--cpu-prof-interval', 'fast'])).toThrow(/positive whole number/);
    expect(() => parseArgs(['--cpu-prof-interval', '0'])).toThrow(/positive whole number/);
  });

  it('refuses unknown figures, arguments and scale keys', () => {
    expect(() => parseArgs(['--only', '99'])).toThrow(/no figure 99/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument/);
    expect(() => applySet(structuredClone(FULL), 'load.client=1')).toThrow(/bad --set/);
  });
});

describe("TARGETS (issue 16's table)", () => {
  const verdict = (value: number, baseline: number | null, checks: Parameters<typeof makeRow>[0]['checks']) =>
    makeRow({ name: 't', value, unit: 'ms', baseline, checks }).meets;

  it('figure 1 durable default: p50 within 1.3×, p99 within 1.5× the durable relay', () => {
    expect(verdict(1.3, 1, TARGETS.idleDurableP50)).toBe(true);
    expect(verdict(1.31, 1, TARGETS.idleDurableP50)).toBe(false);
    expect(verdict(1.5, 1, TARGETS.idleDurableP99)).toBe(true);
    expect(verdict(1.51, 1, TARGETS.idleDurableP99)).toBe(false);
  });

  it('figures 1 (normal) and 2: p50 within 2× their baseline', () => {
    expect(verdict(0.2, 0.1, TARGETS.idleNormalP50)).toBe(true);
    expect(verdict(0.21, 0.1, TARGETS.coresP50)).toBe(false);
  });

  it('figure 3 durable: within 2.5× the fdatasync p99 and strictly below the durable relay', () => {
    const checks = TARGETS.loadDurableP99(4);
    expect(verdict(10, 10.01, checks)).toBe(true);
    expect(verdict(10, 10, checks)).toBe(false); // equal to one fsync per message is not beating it
    expect(verdict(10.1, 20, checks)).toBe(false); // more than 2.5× the disk
    expect(verdict(5, null, checks)).toBeNull(); // no durable relay measured: undecided
    expect(verdict(5, 10, TARGETS.loadDurableP99(null))).toBeNull();
    expect(makeRow({ name: 't', value: 1, unit: 'ms', baseline: 2, checks }).target).toBe(
      '≤ 2.5× fdatasync p99 and < baseline',
    );
  });

  it('figure 3 normal: p99 ≤ 5 ms and p99.9 ≤ 20 ms; figure 6: 100 µs, 1 s, exactly once', () => {
    expect(verdict(5, null, TARGETS.loadNormalP99)).toBe(true);
    expect(verdict(20.1, null, TARGETS.loadNormalP999)).toBe(false);
    expect(verdict(100, null, TARGETS.outboxEnqueueP99)).toBe(true);
    expect(verdict(101, null, TARGETS.outboxEnqueueP99)).toBe(false);
    expect(verdict(1.01, null, TARGETS.outboxReplaySeconds)).toBe(false);
    expect(verdict(1, null, TARGETS.outboxDefects)).toBe(false);
  });
});
