/**
 * Per-dimension z-scoring with the training set's mean and standard deviation. Hidden states have
 * a few dimensions with huge magnitude (outlier features); without scaling one learning rate cannot
 * suit every weight and the optimiser needs many more epochs.
 */

export interface Standardizer {
  mean: Float64Array;
  /** 1 / std, with constant dimensions left unscaled */
  invStd: Float64Array;
}

export function fitStandardizer(x: Float32Array, n: number, dim: number): Standardizer {
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const off = i * dim;
    for (let k = 0; k < dim; k++) mean[k] += x[off + k];
  }
  for (let k = 0; k < dim; k++) mean[k] /= Math.max(1, n);
  for (let i = 0; i < n; i++) {
    const off = i * dim;
    for (let k = 0; k < dim; k++) {
      const d = x[off + k] - mean[k];
      sq[k] += d * d;
    }
  }
  const invStd = new Float64Array(dim);
  for (let k = 0; k < dim; k++) {
    const std = Math.sqrt(sq[k] / Math.max(1, n));
    invStd[k] = std > 1e-8 ? 1 / std : 1;
  }
  return { mean, invStd };
}

/** A standardized copy (the caller's features stay as they are; task and control share them). */
export function applyStandardizer(s: Standardizer, x: Float32Array, n: number, dim: number): Float32Array {
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const off = i * dim;
    for (let k = 0; k < dim; k++) out[off + k] = (x[off + k] - s.mean[k]) * s.invStd[k];
  }
  return out;
}
