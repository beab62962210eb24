import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startLoopSampler } from './loop-sampler';

describe.runIf(existsSync('/proc/thread-self/schedstat'))(
  "the main thread's schedstat at each firing",
  () => {
    it('parses the counters it re-reads: time on a core adds up within the span, never past it', async () => {
      const sampler = startLoopSampler()!;
      let x = 0;
      // A turn that holds the thread, then turns that let the timer fire.
      for (let i = 0; i < 5e7; i++) x += i;
      for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
      sampler.stop();
      const gaps = sampler.gaps();
      expect(x).toBeGreaterThan(0);
      expect(gaps.length).toBe(sampler.firings() - 1);
      expect(gaps.length).toBeGreaterThanOrEqual(5);
      const sum = (f: (g: (typeof gaps)[number]) => number) => gaps.reduce((s, g) => s + f(g), 0);
      // The counters are the kernel's, updated at its ticks (4 ms here): they may lag the clock by one.
      expect(sum((g) => g.ranMs)).toBeGreaterThan(0);
      expect(sum((g) => g.ranMs) + sum((g) => g.waitedMs)).toBeLessThanOrEqual(sum((g) => g.wallMs) + 10);
      for (const g of gaps) expect(g.ranMs).toBeGreaterThanOrEqual(0);
      expect(sampler.cost().medianUs).toBeGreaterThan(0);
    });
  },
);
