/**
 * Colour scales of the canvas matrix: how a weight becomes a position t in [0, 1] on the ramp.
 * A long text's attention is a few strong cells (a [CLS] column, the diagonal) over many weak ones,
 * so a linear scale to the largest weight paints nearly everything the low colour. Per-row scaling
 * gives each query its own maximum (the strongest key of every row is full colour); quantile
 * scaling colours by rank, which spreads the colours evenly over the cells whatever the spread of
 * the weights.
 */
import { formatWeight } from './color.js';

export type ScaleMode = 'linear' | 'row' | 'quantile';

export const SCALES: { id: ScaleMode; name: string }[] = [
  { id: 'row', name: 'Per row' },
  { id: 'quantile', name: 'Quantile' },
  { id: 'linear', name: 'Linear' },
];

/** Quantile thresholds kept: finer than the 256-colour ramp can show. */
const LEVELS = 256;
/** Cells sampled to estimate the quantiles (a 1,024² matrix is not sorted whole). */
const SAMPLE = 65_536;

export interface Scaled {
  /** t in [0, 1] per cell, row-major like the values */
  t: Float32Array;
  /** what the legend says is drawn */
  description: string;
  /** tick labels at t = 0, ½, 1 */
  ticks: string[];
}

/** The cells' positions on the ramp under `mode`; `max` is the linear scale's top (scaleMax). */
export function scaleValues(
  values: Float32Array,
  rows: number,
  cols: number,
  mode: ScaleMode,
  max: number,
): Scaled {
  const t = new Float32Array(values.length);
  if (mode === 'row') {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let m = 0;
      for (let c = 0; c < cols; c++) if (values[o + c] > m) m = values[o + c];
      const k = m > 0 ? 1 / m : 0;
      for (let c = 0; c < cols; c++) t[o + c] = values[o + c] * k;
    }
    return {
      t,
      description: 'Per-row scale: each query row from 0 to its own strongest key',
      ticks: ['0', '½ row max', 'row max'],
    };
  }
  if (mode === 'quantile') {
    const q = quantiles(values);
    for (let i = 0; i < values.length; i++) t[i] = rankOf(q, values[i]) / (LEVELS - 1);
    return {
      t,
      description: 'Quantile scale: colour by rank among all cells (the middle colour is the median weight)',
      ticks: [q[0], q[LEVELS >> 1], q[LEVELS - 1]].map(formatPrecise),
    };
  }
  const k = 1 / max;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] * k;
    // biome-ignore lint/complexity/useMathMinMax: Math.max(v, 0) keeps NaN; this maps it to 0
    t[i] = Math.min(1, v > 0 ? v : 0);
  }
  return {
    t,
    description: `Linear scale from 0 to ${formatWeight(max)}`,
    ticks: [0, max / 2, max].map(formatWeight),
  };
}

/** LEVELS ascending thresholds: the i/(LEVELS-1) quantiles of a strided sample of the values. */
function quantiles(values: Float32Array): Float32Array {
  const step = Math.max(1, Math.floor(values.length / SAMPLE));
  const n = Math.ceil(values.length / step);
  const s = new Float32Array(n);
  for (let i = 0, j = 0; j < n; i += step, j++) s[j] = values[i];
  s.sort();
  const q = new Float32Array(LEVELS);
  for (let i = 0; i < LEVELS; i++) q[i] = s[Math.round((i * (n - 1)) / (LEVELS - 1))];
  return q;
}

/**
 * Number of thresholds below v (binary search), so t grows with rank: ties at the bottom (the many
 * zero weights of a u8 document) stay at 0, and the largest weights reach the top.
 */
function rankOf(q: Float32Array, v: number): number {
  if (v >= q[q.length - 1]) return q.length - 1;
  let lo = 0;
  let hi = q.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (q[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo >= q.length ? q.length - 1 : lo;
}

/** Weights of long inputs are often under 0.001: two significant digits there instead of "0". */
export const formatPrecise = (v: number) => (v > 0 && v < 0.0005 ? v.toPrecision(2) : formatWeight(v));
