/**
 * Head aggregates (mean, max) and per-head summaries: entropy (how spread a head's attention is)
 * and mean distance to the diagonal (how far from its own position a query looks).
 */
import { type Matrix, matrix, normalizeRows } from './matrix.js';

export type HeadAggregate = 'mean' | 'max';

/** Mean or element-wise max over heads; a max is renormalised so that rows still sum to 1. */
export function aggregateHeads(heads: Matrix[], how: HeadAggregate): Matrix {
  const { rows, cols } = heads[0];
  const out = matrix(rows, cols);
  for (const h of heads)
    for (let i = 0; i < out.data.length; i++)
      out.data[i] =
        how === 'mean' ? out.data[i] + h.data[i] / heads.length : Math.max(out.data[i], h.data[i]);
  return how === 'max' ? normalizeRows(out) : out;
}

export interface HeadSummary {
  /** mean over query rows of the row's entropy, in nats */
  entropy: number;
  /** mean over query rows of Σ_j p_ij·|i − j|, in token positions (meaningful for self-attention) */
  diagonal_distance: number;
}

export function summarizeHead(m: Matrix): HeadSummary {
  let entropy = 0;
  let distance = 0;
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.cols; j++) {
      const p = m.data[i * m.cols + j];
      if (p > 0) entropy -= p * Math.log(p);
      distance += p * Math.abs(i - j);
    }
  return { entropy: entropy / m.rows, diagonal_distance: distance / m.rows };
}
