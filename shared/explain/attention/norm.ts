/**
 * Norm-based attention (Kobayashi et al. 2020, "Attention is Not Only a Weight"): the attention
 * block's output for token i is Σ_h Σ_j α^h_ij f^h(x_j) (+ bias), with f^h(x_j) = v^h_j W_O^h the
 * value vector of head h carried through that head's slice of the output projection. How much token
 * j mixes into i is ‖α^h_ij f^h(x_j)‖ per head, or ‖Σ_h α^h_ij f^h(x_j)‖ for the whole block.
 */
import type { Matrix } from './matrix.js';

export interface BlockTensors {
  /** attention probabilities [heads, rows, cols] */
  alpha: Float32Array;
  /** value vectors [heads, cols, headDim] */
  values: Float32Array;
  /** output projection [heads·headDim, hidden] */
  wO: Float32Array;
  heads: number;
  rows: number;
  cols: number;
  hidden: number;
}

/** f^h(x_j) for every head and key token: [heads][cols][hidden], in float64. */
export function transformedValues(b: BlockTensors): Float64Array[][] {
  const d = b.values.length / (b.heads * b.cols);
  const out: Float64Array[][] = [];
  for (let h = 0; h < b.heads; h++) {
    const perHead: Float64Array[] = [];
    for (let j = 0; j < b.cols; j++) {
      const f = new Float64Array(b.hidden);
      const v = (h * b.cols + j) * d;
      for (let k = 0; k < d; k++) {
        const x = b.values[v + k];
        const row = (h * d + k) * b.hidden;
        for (let c = 0; c < b.hidden; c++) f[c] += x * b.wO[row + c];
      }
      perHead.push(f);
    }
    out.push(perHead);
  }
  return out;
}

/** Gram matrix per key token of its heads' transformed vectors, [cols][heads·heads], under `dot`. */
export function headGrams(
  f: Float64Array[][],
  dot: (a: Float64Array, b: Float64Array) => number = plainDot,
): Float64Array[] {
  const heads = f.length;
  return f[0].map((_, j) => {
    const g = new Float64Array(heads * heads);
    for (let a = 0; a < heads; a++)
      for (let b = a; b < heads; b++) g[a * heads + b] = g[b * heads + a] = dot(f[a][j], f[b][j]);
    return g;
  });
}

export function plainDot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** ‖α^h_ij f^h(x_j)‖ per head: `heads` matrices [rows, cols]. */
export function normPerHead(b: BlockTensors, grams = headGrams(transformedValues(b))): Matrix[] {
  return Array.from({ length: b.heads }, (_, h) => {
    const data = new Float32Array(b.rows * b.cols);
    for (let i = 0; i < b.rows; i++)
      for (let j = 0; j < b.cols; j++) {
        const a = b.alpha[(h * b.rows + i) * b.cols + j];
        data[i * b.cols + j] = a * Math.sqrt(grams[j][h * b.heads + h]);
      }
    return { rows: b.rows, cols: b.cols, data };
  });
}

/** ‖Σ_h α^h_ij f^h(x_j)‖: one matrix [rows, cols] for the block. */
export function normSummed(b: BlockTensors, grams = headGrams(transformedValues(b))): Matrix {
  const H = b.heads;
  const data = new Float32Array(b.rows * b.cols);
  const w = new Float64Array(H);
  for (let i = 0; i < b.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      for (let h = 0; h < H; h++) w[h] = b.alpha[(h * b.rows + i) * b.cols + j];
      const g = grams[j];
      let s = 0;
      for (let x = 0; x < H; x++) for (let y = 0; y < H; y++) s += w[x] * w[y] * g[x * H + y];
      data[i * b.cols + j] = Math.sqrt(Math.max(0, s));
    }
  return { rows: b.rows, cols: b.cols, data };
}
