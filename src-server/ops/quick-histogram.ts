/**
 * A prom-client Histogram whose hot path skips prom-client's per-call work. `Histogram.observe(labels,
 * value)` validates the label object, hashes it into a string and looks that string up on every call, and
 * `startTimer` adds two `process.hrtime` arrays and an `Object.assign`: 2 % of the server's main thread
 * in figure 6's replay, where every `message:send` ack is observed (cpu21's section of BENCHMARKS.md).
 * `observeFor(value, ...labelValues)` keeps each label set's series in nested Maps (label values in
 * `labelNames` order), found once, and adds to the very record prom-client keeps for that label set, so
 * scraping, `get()`, `zero`, `reset` and `observe` itself work as on a plain Histogram and /metrics is
 * byte for byte what `observe` would have produced (quick-histogram.test.ts compares them).
 *
 * It reads one field prom-client does not type: `hashMap`, a series' record `{ labels, bucketValues
 * (by upper bound), sum, count }`. The test fails if an upgrade changes that.
 */
import { Histogram, type HistogramConfiguration } from 'prom-client';

interface SeriesRecord {
  labels: Record<string, string>;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

interface Internals {
  hashMap: Record<string, SeriesRecord>;
  upperBounds: readonly number[];
  labelNames: readonly string[];
}

type Level = Map<string, Level | SeriesRecord>;

export class QuickHistogram<T extends string> extends Histogram<T> {
  /** Set by `reset`, which prom-client's constructor calls before this class's own fields would be. */
  declare private series: Level;
  private readonly bounds: readonly number[];
  /** `bucketValues`' keys, the bounds as strings, made once instead of at each observation. */
  private readonly boundKeys: readonly string[];

  constructor(configuration: HistogramConfiguration<T>) {
    super(configuration);
    const internals = this as unknown as Partial<Internals>;
    // Here, not at an observation: an observation runs inside an ack's and a commit's path.
    if (
      typeof internals.hashMap !== 'object' ||
      !Array.isArray(internals.upperBounds) ||
      !Array.isArray(internals.labelNames)
    ) {
      throw new Error(
        "prom-client's Histogram no longer keeps hashMap, upperBounds and labelNames: see QuickHistogram",
      );
    }
    this.bounds = (this as unknown as Internals).upperBounds;
    this.boundKeys = this.bounds.map(String);
  }

  override reset(): void {
    super.reset();
    this.series = new Map();
  }

  override remove(...args: unknown[]): void {
    (super.remove as (...a: unknown[]) => void)(...args);
    this.series = new Map();
  }

  override zero(labels: Parameters<Histogram<T>['zero']>[0]): void {
    super.zero(labels);
    this.series = new Map();
  }

  /** `observe({ [labelNames[i]]: labelValues[i] }, value)`, without building or hashing the labels. */
  observeFor(value: number, ...labelValues: string[]): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const series = this.seriesOf(labelValues);
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        series.bucketValues[this.boundKeys[i] as string]! += 1;
        break;
      }
    }
    series.sum += value;
    series.count += 1;
  }

  private seriesOf(labelValues: readonly string[]): SeriesRecord {
    let level: Level = this.series;
    const last = labelValues.length - 1;
    for (let i = 0; i < last; i++) {
      const value = labelValues[i] as string;
      let next = level.get(value) as Level | undefined;
      if (!next) {
        next = new Map();
        level.set(value, next);
      }
      level = next;
    }
    const key = labelValues[last] as string;
    const found = level.get(key) as SeriesRecord | undefined;
    if (found) return found;
    const made = this.recordOf(labelValues);
    level.set(key, made);
    return made;
  }

  /** prom-client's own record for these labels, made by `zero` when there is none yet. */
  private recordOf(labelValues: readonly string[]): SeriesRecord {
    const internals = this as unknown as Internals;
    if (labelValues.length !== internals.labelNames.length) {
      throw new Error(`Expected ${internals.labelNames.length} label values, got ${labelValues.length}`);
    }
    const labels: Record<string, string> = {};
    internals.labelNames.forEach((name, i) => {
      labels[name] = labelValues[i] as string;
    });
    // As prom-client's label hash does, compare values as strings: a plain `observe({ status: 500 })`
    // and `observeFor(v, '500')` are the same series, and `zero` would otherwise replace its record.
    const same = (record: SeriesRecord) =>
      internals.labelNames.every((name) => String(record.labels[name]) === labels[name]) &&
      Object.keys(record.labels).length === internals.labelNames.length;
    const existing = Object.values(internals.hashMap).find(same);
    if (existing) return existing;
    super.zero(labels as Parameters<Histogram<T>['zero']>[0]);
    const made = Object.values(internals.hashMap).find((record) => record.labels === labels);
    if (!made) throw new Error('prom-client kept no record for a zeroed series');
    return made;
  }
}
