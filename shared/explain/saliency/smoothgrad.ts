/**
 * SmoothGrad (Smilkov et al. 2017): the gradient averaged over n copies of the input with Gaussian
 * noise, σ = noise · (max − min of the input's embedding values). Seeded, so the same request gives
 * the same scores. Scores: L2 norm per token of the mean gradient, or with `multiply_by_inputs`
 * Σ mean gradient ⊙ embedding.
 */

import { SALIENCY_DEFAULTS } from '../../schema/defaults.js';
import { Rng } from '../../util/random.js';
import { kindOf } from '../targets.js';
import { batchedGradients, l2, perToken, sum } from './batching.js';
import type { SaliencyMethod } from './types.js';

export interface SmoothGradParams {
  samples: number;
  noise: number;
  seed: number;
  multiply_by_inputs: boolean;
}

export const smoothgrad: SaliencyMethod<SmoothGradParams> = {
  name: 'smoothgrad',
  needsGradient: true,
  signed: false,
  defaults: { ...SALIENCY_DEFAULTS.smoothgrad, multiply_by_inputs: false },
  async attribute(ctx, input, target, p = {}) {
    const params = { ...this.defaults, ...p };
    const x = ctx.embed(input.ids);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const sigma = params.noise * (hi - lo);
    // Noise drawn up front, in sample order, so batching never changes the result.
    const rng = new Rng(params.seed);
    const noise = Array.from({ length: params.samples }, () => rng.normals(x.length, sigma));
    const mean = new Float64Array(x.length);
    let noisyMean = 0;
    const program = ctx.program(kindOf(target));
    await batchedGradients(
      ctx,
      program,
      input,
      target,
      { count: params.samples, make: (k, out) => out.set(x.map((v, i) => v + noise[k][i])) },
      (_, grad, v) => {
        for (let i = 0; i < mean.length; i++) mean[i] += grad[i] / params.samples;
        noisyMean += v / params.samples;
      },
    );
    const [value] = await program.forward(x, 1, input, target);
    const raw = params.multiply_by_inputs
      ? Float32Array.from(mean, (g, i) => g * x[i])
      : Float32Array.from(mean);
    const signed = params.multiply_by_inputs;
    return {
      scores: perToken(raw, input.ids.length, ctx.embedding.hidden, signed ? sum : l2),
      raw,
      target: value,
      checks: { sigma, noisy_target_mean: noisyMean },
      params,
    };
  },
};
