/**
 * The MLP probe: one ReLU hidden layer, scores = W2·relu(W1·x + b1) + b2. More capacity than the
 * linear probe, hence more able to memorise word identities: read its accuracy next to its own
 * control-task accuracy (Hewitt & Liang found MLP probes the least selective). Weights start from a
 * seeded He initialisation, so a run is reproducible from its seed.
 */
import { Rng } from '../../util/random.js';
import { DifferentiableClassifier, type Matrix } from './classifier.js';
import { dot } from './logistic.js';

export class MlpClassifier extends DifferentiableClassifier {
  override readonly params: Float64Array;
  override readonly decay: Uint8Array;
  // parameter layout: W1 [hidden × dim], b1 [hidden], W2 [classes × hidden], b2 [classes]
  readonly #b1: number;
  readonly #w2: number;
  readonly #b2: number;
  readonly #h: Float64Array;
  readonly #gh: Float64Array;

  constructor(
    readonly dim: number,
    classes: number,
    readonly hidden: number,
    seed: number,
  ) {
    super(classes);
    this.#b1 = hidden * dim;
    this.#w2 = this.#b1 + hidden;
    this.#b2 = this.#w2 + classes * hidden;
    this.params = new Float64Array(this.#b2 + classes);
    this.decay = new Uint8Array(this.params.length);
    this.decay.fill(1, 0, this.#b1);
    this.decay.fill(1, this.#w2, this.#b2);
    const rng = new Rng(seed);
    const s1 = Math.sqrt(2 / dim);
    const s2 = Math.sqrt(2 / hidden);
    for (let j = 0; j < this.#b1; j++) this.params[j] = rng.normal() * s1;
    for (let j = this.#w2; j < this.#b2; j++) this.params[j] = rng.normal() * s2;
    this.#h = new Float64Array(hidden);
    this.#gh = new Float64Array(hidden);
  }

  #forward(data: Matrix, i: number, out: Float64Array): void {
    const { dim, classes, hidden, params: p } = this;
    const h = this.#h;
    const off = i * dim;
    for (let j = 0; j < hidden; j++) {
      const a = p[this.#b1 + j] + dot(data.x, off, p, j * dim, dim);
      h[j] = Math.max(a, 0);
    }
    for (let c = 0; c < classes; c++) {
      const row = this.#w2 + c * hidden;
      let s = p[this.#b2 + c];
      for (let j = 0; j < hidden; j++) s += h[j] * p[row + j];
      out[c] = s;
    }
  }

  override scores(data: Matrix, i: number, out: Float64Array): void {
    this.#forward(data, i, out);
  }

  /** Runs right after `scores` on row i, whose hidden layer `#h` then holds. */
  protected override backward(data: Matrix, i: number, dz: Float64Array, grad: Float64Array): void {
    const { dim, classes, hidden, params: p } = this;
    const x = data.x;
    const h = this.#h;
    const gh = this.#gh;
    gh.fill(0);
    for (let c = 0; c < classes; c++) {
      const g = dz[c];
      const row = this.#w2 + c * hidden;
      for (let j = 0; j < hidden; j++) {
        grad[row + j] += g * h[j];
        gh[j] += g * p[row + j];
      }
      grad[this.#b2 + c] += g;
    }
    const off = i * dim;
    for (let j = 0; j < hidden; j++) {
      if (h[j] <= 0) continue; // ReLU passes no gradient where it was off
      const g = gh[j];
      const row = j * dim;
      for (let k = 0; k < dim; k++) grad[row + k] += g * x[off + k];
      grad[this.#b1 + j] += g;
    }
  }
}
