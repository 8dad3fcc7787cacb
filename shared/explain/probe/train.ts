/**
 * Deterministic training of a probe: mini-batch Adam over a seeded shuffle, L2 on the weights,
 * early stopping on the dev split's cross-entropy (the best epoch's parameters are kept). An epoch
 * that does not improve the dev loss sends training back to the best parameters with a smaller step
 * (a plateau schedule: large steps to get close fast, small ones to settle). Mini-batches
 * rather than full-batch steps because a probe then converges in a handful of passes over ~20-30k
 * words, which keeps the built-in task within a Worker's CPU budget; everything (shuffle, batch order,
 * floating-point order) follows from the seed, so two runs give bit-identical results.
 */
import { Rng } from '../../util/random.js';
import { yieldToHost } from '../../util/yield.js';
import { type DifferentiableClassifier, type Matrix, meanLoss } from './classifier.js';

export interface TrainOptions {
  seed: number;
  /** Adam step size; default 0.01 (standardized features) */
  lr?: number;
  /** L2 strength λ in mean CE + λ/2·‖W‖²; default 1e-3 */
  l2?: number;
  batchSize?: number;
  /** upper bound on passes over the training set */
  maxEpochs?: number;
  /**
   * epochs without a better dev loss that are tolerated: each one divides the step size by
   * `decay` (from the best parameters so far); one more such epoch stops training
   */
  patience?: number;
  /** step-size divisor on a plateau, default 4 */
  decay?: number;
}

export interface TrainReport {
  epochs: number;
  bestEpoch: number;
  devLoss: number;
}

export function shuffled(n: number, rng: Rng, into?: Int32Array): Int32Array {
  const idx = into ?? new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}

export async function trainClassifier(
  model: DifferentiableClassifier,
  train: { data: Matrix; y: Int32Array },
  dev: { data: Matrix; y: Int32Array },
  opts: TrainOptions,
): Promise<TrainReport> {
  const lr = opts.lr ?? 0.01;
  const l2 = opts.l2 ?? 1e-3;
  const batch = opts.batchSize ?? 64;
  const maxEpochs = opts.maxEpochs ?? 30;
  const patience = opts.patience ?? 2;
  const decay = opts.decay ?? 4;
  let rate = lr;
  let plateaus = 0;
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  const p = model.params;
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  const grad = new Float64Array(p.length);
  const best = new Float64Array(p);
  const rng = new Rng(opts.seed);
  const n = train.data.n;
  const idx = new Int32Array(n);
  // With no dev rows there is nothing to stop on: train for maxEpochs and keep the last parameters.
  let bestLoss = dev.data.n > 0 ? meanLoss(model, dev.data, dev.y) : Infinity;
  let bestEpoch = 0;
  let step = 0;
  let epoch = 0;
  while (epoch < maxEpochs && n > 0) {
    epoch++;
    await yieldToHost(); // an epoch is a few hundred ms at most: other requests get in between
    shuffled(n, rng, idx);
    for (let from = 0; from < n; from += batch) {
      const to = Math.min(n, from + batch);
      grad.fill(0);
      model.lossGrad(train.data, train.y, idx, from, to, grad);
      const scale = 1 / (to - from);
      step++;
      const c1 = 1 / (1 - beta1 ** step);
      const c2 = 1 / (1 - beta2 ** step);
      for (let j = 0; j < p.length; j++) {
        const g = grad[j] * scale + (model.decay[j] ? l2 * p[j] : 0);
        m[j] = beta1 * m[j] + (1 - beta1) * g;
        v[j] = beta2 * v[j] + (1 - beta2) * g * g;
        p[j] -= (rate * (m[j] * c1)) / (Math.sqrt(v[j] * c2) + eps);
      }
    }
    if (dev.data.n === 0) continue;
    const loss = meanLoss(model, dev.data, dev.y);
    if (loss < bestLoss) {
      bestLoss = loss;
      bestEpoch = epoch;
      best.set(p);
    } else {
      if (++plateaus > patience) break;
      p.set(best);
      rate /= decay;
    }
  }
  if (dev.data.n > 0) p.set(best);
  return { epochs: epoch, bestEpoch, devLoss: bestLoss };
}
