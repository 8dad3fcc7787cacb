/**
 * Token-to-token contributions through attention, the residual connection and layer normalization,
 * in the GlobEnc form (Modarressi et al. 2022) of ALTI (Ferrando et al. 2022). For one block, token
 * i's residual sum decomposes as s_i = Σ_j z_ij (+ biases, attributed to no token), with
 * z_ij = Σ_h α^h_ij f^h(x_j) + δ_ij x_i (self) — the residual joins its own token. A post-LN
 * LayerNorm is linear in s_i once its σ_i is fixed: N_i(z) = γ ⊙ (z − mean(z)) / σ_i. The
 * contribution of j to i is ‖N_i(z_ij)‖ (‖z_ij‖ for pre-LN, whose norm sits inside f), rows
 * normalised to sum 1; the layers compose like rollout, R_l = C_l · R_{l−1} (ALTI's aggregation).
 * The feed-forward block is not decomposed. Cross-attention: the decoder token's own residual x_i is
 * one more part; the rows are normalised over the source tokens and it, so a row's source columns
 * sum to the share of the output that comes from the source.
 */
import { identity, type Matrix, matmul } from './matrix.js';
import { type BlockTensors, headGrams, plainDot, transformedValues } from './norm.js';

export interface MixingBlock extends BlockTensors {
  kind: 'self' | 'cross';
  /** the residual stream the block adds to, [rows, hidden] */
  skip: Float32Array;
  /** the residual Add's output, [rows, hidden] (gives σ_i of a post-LN LayerNorm) */
  sum: Float32Array;
  layerNorm?: { gamma: Float32Array; epsilon: number };
}

/** <a, b> under the post-LN metric Σ_k γ_k² (a_k − ā)(b_k − b̄), or the plain dot product. */
function metric(ln: MixingBlock['layerNorm']): (a: Float64Array, b: Float64Array) => number {
  if (!ln) return plainDot;
  const g2 = Float64Array.from(ln.gamma, (g) => g * g);
  return (a, b) => {
    let ma = 0;
    let mb = 0;
    for (let k = 0; k < a.length; k++) {
      ma += a[k];
      mb += b[k];
    }
    ma /= a.length;
    mb /= b.length;
    let s = 0;
    for (let k = 0; k < a.length; k++) s += g2[k] * (a[k] - ma) * (b[k] - mb);
    return s;
  };
}

/** 1/σ_i² per row of the residual sum (1 without a LayerNorm). */
function inverseVariance(b: MixingBlock): Float64Array {
  const out = new Float64Array(b.rows).fill(1);
  if (!b.layerNorm) return out;
  for (let i = 0; i < b.rows; i++) {
    const row = b.sum.subarray(i * b.hidden, (i + 1) * b.hidden);
    let m = 0;
    for (const x of row) m += x;
    m /= b.hidden;
    let v = 0;
    for (const x of row) v += (x - m) * (x - m);
    out[i] = 1 / (v / b.hidden + b.layerNorm.epsilon);
  }
  return out;
}

/** One block's contribution matrix C [rows, cols], rows summing to 1 (self) or to the source share (cross). */
export function altiBlock(b: MixingBlock): Matrix {
  const H = b.heads;
  const dot = metric(b.layerNorm);
  const f = transformedValues(b);
  const grams = headGrams(f, dot);
  const inv = inverseVariance(b);
  const skip = (i: number) => Float64Array.from(b.skip.subarray(i * b.hidden, (i + 1) * b.hidden));
  const data = new Float32Array(b.rows * b.cols);
  const w = new Float64Array(H);
  for (let i = 0; i < b.rows; i++) {
    const x = skip(i);
    const xx = dot(x, x);
    // self: the residual x_i joins z_ii, whose square norm gains 2Σ_h α^h_ii <f^h_i, x_i> + <x_i, x_i>
    const fx = b.kind === 'self' && i < b.cols ? f.map((fh) => dot(fh[i], x)) : [];
    const row = new Float64Array(b.cols);
    let total = b.kind === 'cross' ? Math.sqrt(Math.max(0, xx * inv[i])) : 0;
    for (let j = 0; j < b.cols; j++) {
      for (let h = 0; h < H; h++) w[h] = b.alpha[(h * b.rows + i) * b.cols + j];
      const g = grams[j];
      let s = 0;
      for (let p = 0; p < H; p++) for (let q = 0; q < H; q++) s += w[p] * w[q] * g[p * H + q];
      if (b.kind === 'self' && i === j) {
        for (let h = 0; h < H; h++) s += 2 * w[h] * fx[h];
        s += xx;
      }
      row[j] = Math.sqrt(Math.max(0, s * inv[i]));
      total += row[j];
    }
    for (let j = 0; j < b.cols; j++) data[i * b.cols + j] = total > 0 ? row[j] / total : 0;
  }
  return { rows: b.rows, cols: b.cols, data };
}

/** ALTI after each layer of one self-attention stack, bottom first: R_l = C_l · R_{l−1}. */
export function altiRollout(blocks: Matrix[]): Matrix[] {
  const out: Matrix[] = [];
  let r = identity(blocks[0].rows);
  for (const c of blocks) {
    r = matmul(c, r);
    out.push(r);
  }
  return out;
}
