import { describe, expect, it } from 'vitest';
import { makeRow } from './result';
import { formatMarkdown, formatTable } from './table';

const rows = [
  makeRow({
    name: '1. idle p50',
    value: 0.3,
    unit: 'ms',
    baseline: 0.2,
    checks: [{ op: '<=', limit: 2, of: 'ratio' }],
    cpu: { server: 40.4, loadgen: 15 },
    baselineCpu: { server: 19, loadgen: null },
  }),
  makeRow({
    name: '3. under load p99',
    value: 7,
    unit: 'ms',
    checks: [{ op: '<=', limit: 5, of: 'value' }],
    note: 'SQLite fsync per message',
  }),
  makeRow({ name: '7. renderer', value: null, unit: 'ms', checks: [{ op: '<=', limit: 100, of: 'value' }] }),
];

describe('formatTable', () => {
  it('aligns columns and says yes, MISS or n/a', () => {
    const lines = formatTable(rows).split('\n');
    expect(lines[0]).toMatch(/^figure\s+value\s+unit\s+baseline\s+ratio\s+target\s+meets/);
    expect(lines[2]).toMatch(
      /1\. idle p50\s+0\.30\s+ms\s+0\.20\s+1\.50×\s+≤ 2× baseline\s+yes\s+40\/15\s+19\/–/,
    );
    expect(lines[3]).toContain('MISS');
    expect(lines[4]).toMatch(/n\/a/);
    // Every table line starts its second column at the same place.
    const valueColumn = lines[0]!.indexOf('value');
    expect(lines[2]!.slice(0, valueColumn).trim()).toBe('1. idle p50');
  });

  it('lists the notes under the table', () => {
    expect(formatTable(rows)).toContain('3. under load p99: SQLite fsync per message');
  });
});

describe('formatMarkdown', () => {
  it('makes one Markdown row per result, with a header rule', () => {
    const lines = formatMarkdown(rows).split('\n');
    expect(lines).toHaveLength(2 + rows.length);
    expect(lines[1]).toMatch(/^\| --- \|/);
    expect(lines[3]).toContain('| MISS |');
  });
});
