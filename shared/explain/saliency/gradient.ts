/** Saliency as the L2 norm, per token, of the gradient of the target with respect to its embedding. */
import { kindOf } from '../targets.js';
import { l2, perToken } from './batching.js';
import type { SaliencyMethod } from './types.js';

export const gradient: SaliencyMethod<Record<string, never>> = {
  name: 'gradient',
  needsGradient: true,
  signed: false,
  defaults: {},
  async attribute(ctx, input, target) {
    const x = ctx.embed(input.ids);
    const { values, grads } = await ctx.program(kindOf(target)).gradient(x, 1, input, target);
    return {
      scores: perToken(grads, input.ids.length, ctx.embedding.hidden, l2),
      raw: grads,
      target: values[0],
      params: {},
    };
  },
};
