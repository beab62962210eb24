/** The table the runner prints, as aligned text for the terminal or as Markdown for BENCHMARKS.md. */
import { type CpuShare, formatNumber, type Row } from './result';

const HEADERS = [
  'figure',
  'value',
  'unit',
  'baseline',
  'ratio',
  'target',
  'meets',
  'CPU srv/lg %',
  'base CPU',
];

function verdict(meets: boolean | null): string {
  if (meets === true) return 'yes';
  if (meets === false) return 'MISS';
  return 'n/a';
}

function cpu(share: CpuShare | undefined): string {
  if (share === undefined) return '';
  const part = (n: number | null) => (n === null ? '–' : String(Math.round(n)));
  return `${part(share.server)}/${part(share.loadgen)}`;
}

export function rowCells(row: Row): string[] {
  return [
    row.name,
    formatNumber(row.value),
    row.unit,
    formatNumber(row.baseline),
    row.ratio === null ? '–' : `${row.ratio.toFixed(2)}×`,
    row.target,
    verdict(row.meets),
    cpu(row.cpu),
    cpu(row.baselineCpu),
  ];
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(rows: Row[]): string {
  const body = rows.map(rowCells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const rightAligned = new Set([1, 3, 4]);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.name}: ${r.note}`);
  return [line(HEADERS), rule, ...body.map(line), ...(notes.length ? ['', 'notes:', ...notes] : [])].join(
    '\n',
  );
}

export function formatMarkdown(rows: Row[]): string {
  const escapePipes = (s: string) => s.replaceAll('|', '\\|');
  const line = (cells: string[]) => `| ${cells.map(escapePipes).join(' | ')} |`;
  return [line(HEADERS), line(HEADERS.map(() => '---')), ...rows.map((r) => line(rowCells(r)))].join('\n');
}
