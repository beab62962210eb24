/**
 * Latency statistics. Latencies are recorded in microseconds into an HdrHistogram (3 significant
 * digits). Open-loop scenarios measure each latency from the message's *intended* send time, so a
 * stalled sender or server is charged for every message it delayed: that is the coordinated-omission
 * correction (as in wrk2), and it needs no synthetic back-filling.
 */
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

export interface LatencySummary {
  count: number;
  /** All in milliseconds. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export function createHistogram(): Histogram {
  // 1 µs .. 120 s; values above are clamped so a pathological stall still shows up as "120 s".
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

/** Records a latency given in milliseconds (e.g. a difference of performance.now() readings). */
export function recordMs(histogram: Histogram, ms: number): void {
  const us = Math.max(1, Math.round(ms * 1000));
  histogram.recordValue(Math.min(us, 120_000_000));
}

export function summarize(histogram: Histogram): LatencySummary {
  const ms = (us: number) => us / 1000;
  return {
    count: histogram.totalCount,
    p50: ms(histogram.getValueAtPercentile(50)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
    mean: ms(histogram.mean),
  };
}

/** Nearest-rank percentile of plain samples (for small sample sets such as per-frame times). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Percent of one core used between two CPU-time readings (seconds) over `wallSeconds`. */
export function cpuPercent(cpuSecondsBefore: number, cpuSecondsAfter: number, wallSeconds: number): number {
  if (wallSeconds <= 0) return 0;
  return ((cpuSecondsAfter - cpuSecondsBefore) / wallSeconds) * 100;
}
