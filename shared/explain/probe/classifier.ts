/**
 * What the optimiser needs from a probe: a flat parameter vector, which of its entries L2 applies to
 * (weights, not biases), and the mean cross-entropy gradient over a batch. The linear and MLP probes
 * both extend it: the loop over a batch's rows (scores, softmax, loss, dL/dscores) is the same for
 * both and lives here; each supplies its scores and its backward pass from dL/dscores.
 */

export interface Matrix {
  /** row-major n × dim */
  x: Float32Array;
  n: number;
  dim: number;
}

export abstract class DifferentiableClassifier {
  abstract readonly params: Float64Array;
  /** 1 where L2 weight decay applies, 0 for biases */
  abstract readonly decay: Uint8Array;
  /** one row's scores, then dL/dscores; reused, as lossGrad runs for every mini-batch */
  readonly #z: Float64Array;

  constructor(readonly classes: number) {
    this.#z = new Float64Array(classes);
  }

  /** class scores (logits) of row i into out[0 … classes) */
  abstract scores(data: Matrix, i: number, out: Float64Array): void;

  /**
   * Adds to `grad` the gradient of row i's loss given `dz`, its dL/dscores. Called right after
   * `scores` on the same row, so whatever that left behind (the MLP's hidden layer) is row i's.
   */
  protected abstract backward(data: Matrix, i: number, dz: Float64Array, grad: Float64Array): void;

  /**
   * Adds the gradient of the *summed* cross-entropy of rows idx[from … to) to `grad` and returns
   * that summed loss.
   */
  lossGrad(
    data: Matrix,
    y: Int32Array,
    idx: Int32Array,
    from: number,
    to: number,
    grad: Float64Array,
  ): number {
    const z = this.#z;
    let loss = 0;
    for (let b = from; b < to; b++) {
      const i = idx[b];
      loss += crossEntropy(this, data, i, y[i], z);
      z[y[i]] -= 1; // z is now dL/dscores
      this.backward(data, i, z, grad);
    }
    return loss;
  }
}

/** Row i's cross-entropy against class yi; leaves the row's class probabilities in z. */
function crossEntropy(model: DifferentiableClassifier, data: Matrix, i: number, yi: number, z: Float64Array) {
  model.scores(data, i, z);
  softmaxInPlace(z, model.classes);
  return -Math.log(Math.max(z[yi], 1e-300));
}

/** Stable softmax of `z[0 … n)` in place; returns log Σ exp(z) for the cross-entropy. */
export function softmaxInPlace(z: Float64Array, n: number): number {
  let max = -Infinity;
  for (let c = 0; c < n; c++) if (z[c] > max) max = z[c];
  let sum = 0;
  for (let c = 0; c < n; c++) {
    const e = Math.exp(z[c] - max);
    z[c] = e;
    sum += e;
  }
  for (let c = 0; c < n; c++) z[c] /= sum;
  return max + Math.log(sum);
}

export function predict(model: DifferentiableClassifier, data: Matrix): Int32Array {
  const out = new Int32Array(data.n);
  const z = new Float64Array(model.classes);
  for (let i = 0; i < data.n; i++) {
    model.scores(data, i, z);
    let best = 0;
    for (let c = 1; c < model.classes; c++) if (z[c] > z[best]) best = c;
    out[i] = best;
  }
  return out;
}

/** Mean cross-entropy over all rows (the early-stopping criterion on the dev split). */
export function meanLoss(model: DifferentiableClassifier, data: Matrix, y: Int32Array): number {
  const z = new Float64Array(model.classes);
  let loss = 0;
  for (let i = 0; i < data.n; i++) loss += crossEntropy(model, data, i, y[i], z);
  return data.n > 0 ? loss / data.n : 0;
}
