/** Markdown tables and number formatting for benchmark output. */
import type { PairedTiming } from './timing.js';

export type Align = 'left' | 'right';

export interface Column {
  title: string;
  align?: Align;
}

/** A Markdown (GFM) table, padded so it also reads well as plain text. */
export function markdownTable(
  columns: readonly (Column | string)[],
  rows: readonly (readonly string[])[],
): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { title: c } : c));
  const widths = cols.map((c, i) => Math.max(3, c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (s: string, i: number) =>
    cols[i].align === 'right' ? s.padStart(widths[i]) : s.padEnd(widths[i]);
  const line = (cells: readonly string[]) => `| ${cols.map((_, i) => cell(cells[i] ?? '', i)).join(' | ')} |`;
  const rule = `| ${cols.map((c, i) => (c.align === 'right' ? `${'-'.repeat(widths[i] - 1)}:` : '-'.repeat(widths[i]))).join(' | ')} |`;
  return [line(cols.map((c) => c.title)), rule, ...rows.map(line)].join('\n');
}

/** Columns of figures, right-aligned. */
export function rightAligned(...titles: string[]): Column[] {
  return titles.map((title) => ({ title, align: 'right' }));
}

/** An interleaved timing's cells: A's median ms, B's median ms, and the median ratio B ÷ A. */
export function timingCells(t: PairedTiming): string[] {
  return [ms(t.a), ms(t.b), ratio(t.ratio)];
}

/** Milliseconds with about three significant digits. */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

export function ratio(x: number, digits = 2): string {
  return Number.isFinite(x) ? `${x.toFixed(digits)}×` : '—';
}

export function int(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x)) : '—';
}
