/**
 * Logits of a near-certain prediction and their log-softmax in float64: the reference for the
 * float32 graphs (targets, the LogSoftmax gradient) where rounding loses 1 − p.
 */

/**
 * `vocab` float32 logits, entry `top` at 0 and the others near −17: each exp(x_j − max) ≈ 4e-8 is
 * below half an ulp of 1 (2⁻²⁴), and together they leave p(top) ≈ 1 − 3e-4 at 8k entries.
 */
export function nearCertainLogits(vocab: number, top = 0): Float32Array {
  const x = new Float32Array(vocab);
  for (let j = 0; j < vocab; j++) x[j] = j === top ? 0 : -17 - (j % 11) / 11;
  return x;
}

/** log softmax of `x` in float64, with log1p of the others' sum (exact near certainty). */
export function logSoftmax64(x: ArrayLike<number>): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < x.length; j++) max = Math.max(max, x[j]);
  let top = -1;
  let others = 0;
  for (let j = 0; j < x.length; j++) {
    if (x[j] === max && top < 0) top = j;
    else others += Math.exp(x[j] - max);
  }
  const lse = Math.log1p(others);
  return Float64Array.from(x, (v) => v - max - lse);
}
