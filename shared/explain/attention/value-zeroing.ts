/**
 * Value zeroing (Mohebbi et al. 2023, "Quantifying Context Mixing in Transformers"): zero token j's
 * value vectors in block l and see how far every token i's output of that block moves, by cosine
 * distance; rows normalised to sum 1, layers composed like rollout (R_l = C_l · R_{l−1}). The runs
 * come from the value-zeroing rewrite (../../onnx/value-zeroing.ts): one example of a batch per
 * (block, token) pair, `plan` cuts them into batches within a budget.
 */
import type { Matrix } from './matrix.js';

export function cosineDistance(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < a.length; k++) {
    ab += a[k] * b[k];
    aa += a[k] * a[k];
    bb += b[k] * b[k];
  }
  return aa === 0 || bb === 0 ? 0 : Math.max(0, 1 - ab / Math.sqrt(aa * bb));
}

/**
 * One block's matrix from its output without zeroing, `base` [rows, hidden], and with each key token
 * j's values zeroed, `zeroed[j]` [rows, hidden]: C[i][j] = cos-dist(base_i, zeroed_j,i), rows normalised.
 */
export function valueZeroingBlock(base: Float32Array, zeroed: Float32Array[], rows: number): Matrix {
  const cols = zeroed.length;
  const hidden = base.length / rows;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const b = base.subarray(i * hidden, (i + 1) * hidden);
    let total = 0;
    for (let j = 0; j < cols; j++) {
      const d = cosineDistance(b, zeroed[j].subarray(i * hidden, (i + 1) * hidden));
      data[i * cols + j] = d;
      total += d;
    }
    if (total > 0) for (let j = 0; j < cols; j++) data[i * cols + j] /= total;
  }
  return { rows, cols, data };
}

/** The (block, token) pairs to zero, in batches of at most `batch` examples. */
export function plan(blocks: number, tokens: number, batch: number): [number, number][][] {
  const pairs: [number, number][] = [];
  for (let k = 0; k < blocks; k++) for (let j = 0; j < tokens; j++) pairs.push([k, j]);
  const out: [number, number][][] = [];
  for (let i = 0; i < pairs.length; i += Math.max(1, batch)) out.push(pairs.slice(i, i + Math.max(1, batch)));
  return out;
}
