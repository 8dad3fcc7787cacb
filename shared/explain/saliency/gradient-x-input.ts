/**
 * Gradient × input: Σ over the hidden axis of gradient ⊙ embedding, per token. Signed: a first-order
 * estimate of how much the token's embedding (against a zero embedding) adds to the target.
 */
import { kindOf } from '../targets.js';
import { perToken, sum } from './batching.js';
import type { SaliencyMethod } from './types.js';

export const gradientXInput: SaliencyMethod<Record<string, never>> = {
  name: 'gradient_x_input',
  needsGradient: true,
  signed: true,
  defaults: {},
  async attribute(ctx, input, target) {
    const x = ctx.embed(input.ids);
    const { values, grads } = await ctx.program(kindOf(target)).gradient(x, 1, input, target);
    const raw = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) raw[i] = grads[i] * x[i];
    return {
      scores: perToken(raw, input.ids.length, ctx.embedding.hidden, sum),
      raw,
      target: values[0],
      params: {},
    };
  },
};
