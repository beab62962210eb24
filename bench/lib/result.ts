/**
 * One line of the benchmark table, and the pure logic that decides whether it meets its target.
 * `latest.json` is a list of `Row`s: {name, value, unit, baseline, ratio, target, meets, ...}.
 */

/**
 * A bound on the measured value itself (`of: 'value'`), on value ÷ baseline (`of: 'ratio'`), or on
 * value ÷ another number measured in the same run (`of: 'reference'`, e.g. the disk's fdatasync p99).
 */
export type Check =
  | { op: Op; limit: number; of: 'value' | 'ratio' }
  | { op: Op; limit: number; of: 'reference'; reference: { name: string; value: number | null } };

/** `<` where a target says "below" (figure 3: below the durable relay's p99). */
export type Op = '<=' | '>=' | '<';

export interface CpuShare {
  /** Percent of one core used by the subject server over the figure's measurement window. */
  server: number | null;
  /** Percent of one core used by the load generator over the same window. */
  loadgen: number | null;
}

export interface Row {
  name: string;
  /** null when the figure could not be measured (the reason is in `note`). */
  value: number | null;
  unit: string;
  /** The same measurement against the figure's baseline, in the same run; null where there is none. */
  baseline: number | null;
  /** value ÷ baseline, or null. */
  ratio: number | null;
  /** Human-readable target, e.g. "≤ 2× baseline and ≤ 1 ms". */
  target: string;
  /** Whether every check holds; null when the value (or a baseline the target needs) is missing. */
  meets: boolean | null;
  /** What the baseline is, e.g. "bare Socket.IO relay". */
  baselineName?: string;
  cpu?: CpuShare;
  baselineCpu?: CpuShare;
  note?: string;
}

export interface RowInput {
  name: string;
  value: number | null;
  unit: string;
  baseline?: number | null;
  baselineName?: string;
  checks: readonly Check[];
  cpu?: CpuShare;
  baselineCpu?: CpuShare;
  note?: string;
}

export function ratioOf(value: number | null, baseline: number | null | undefined): number | null {
  if (value === null || baseline === null || baseline === undefined || baseline === 0) return null;
  return value / baseline;
}

/** true/false when every check can be decided, null when a needed number is missing. */
export function meetsAll(
  value: number | null,
  ratio: number | null,
  checks: readonly Check[],
): boolean | null {
  if (checks.length === 0) return null;
  let undecided = false;
  for (const check of checks) {
    const subject =
      check.of === 'reference' ? ratioOf(value, check.reference.value) : check.of === 'value' ? value : ratio;
    if (subject === null || !Number.isFinite(subject)) {
      undecided = true;
      continue;
    }
    const holds =
      check.op === '<='
        ? subject <= check.limit
        : check.op === '<'
          ? subject < check.limit
          : subject >= check.limit;
    if (!holds) return false;
  }
  return undecided ? null : true;
}

export function describeChecks(checks: readonly Check[], unit: string): string {
  return checks
    .map((c) => {
      const op = { '<=': '≤', '>=': '≥', '<': '<' }[c.op];
      if (c.of === 'ratio')
        return c.op === '<' && c.limit === 1 ? '< baseline' : `${op} ${c.limit}× baseline`;
      if (c.of === 'reference') return `${op} ${c.limit}× ${c.reference.name}`;
      return `${op} ${c.limit.toLocaleString('en-US')} ${unit}`;
    })
    .join(' and ');
}

export function makeRow(input: RowInput): Row {
  const baseline = input.baseline ?? null;
  const ratio = ratioOf(input.value, baseline);
  const row: Row = {
    name: input.name,
    value: input.value,
    unit: input.unit,
    baseline,
    ratio,
    target: describeChecks(input.checks, input.unit),
    meets: meetsAll(input.value, ratio, input.checks),
  };
  if (input.baselineName !== undefined) row.baselineName = input.baselineName;
  if (input.cpu !== undefined) row.cpu = input.cpu;
  if (input.baselineCpu !== undefined) row.baselineCpu = input.baselineCpu;
  if (input.note !== undefined) row.note = input.note;
  return row;
}

/** Numbers as a person reads them: 3 significant digits below 100, integers with separators above. */
export function formatNumber(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 100) return Math.round(n).toLocaleString('en-US');
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  if (abs === 0) return '0';
  return n.toPrecision(2);
}
