/**
 * Occlusion / leave-one-out: score(t) = f(x) − f(x with token t occluded), forward passes only, so
 * it also serves models whose gradients the autodiff refuses. A token is occluded by replacing its
 * embedding with the baseline's (`zero` or `pad`), or by dropping it (`drop`: the sequence gets one
 * shorter; for decoder-only models, target positions after the dropped token move back by one).
 */
import { SALIENCY_DEFAULTS } from '../../schema/defaults.js';
import { kindOf, type TargetSpec } from '../targets.js';
import { type Baseline, baselineRow } from './baselines.js';
import { batchedForward } from './batching.js';
import type { AttributionInput, SaliencyMethod } from './types.js';

export interface OcclusionParams {
  baseline: Baseline | 'drop';
}

export const occlusion: SaliencyMethod<OcclusionParams> = {
  name: 'occlusion',
  needsGradient: false,
  signed: true,
  defaults: { ...SALIENCY_DEFAULTS.occlusion },
  async attribute(ctx, input, target, p = {}) {
    const params = { ...this.defaults, ...p };
    const program = ctx.program(kindOf(target));
    const hidden = ctx.embedding.hidden;
    const n = input.ids.length;
    const x = ctx.embed(input.ids);
    const [fx] = await program.forward(x, 1, input, target);
    const scores = new Array<number>(n).fill(0);

    if (params.baseline !== 'drop') {
      const row = baselineRow(ctx, params.baseline);
      const occluded = await batchedForward(ctx, program, input, target, {
        count: n,
        make: (k, out) => {
          out.set(x);
          out.set(row, k * hidden);
        },
      });
      occluded.forEach((v, k) => {
        scores[k] = fx - v;
      });
      return { scores, target: fx, params };
    }

    if (n < 2) throw new Error('occlusion by dropping needs at least two tokens');
    // Dropping changes target positions only where they index the input itself (decoder-only models).
    const shifts = ctx.shape.family === 'decoder';
    const groups = new Map<string, { target: TargetSpec; tokens: number[] }>();
    for (let k = 0; k < n; k++) {
      const positions = shifts ? target.positions?.map((q) => (q >= k ? q - 1 : q)) : target.positions;
      if (positions?.some((q) => q < 0)) continue; // the prediction no longer exists: score 0
      const key = JSON.stringify(positions ?? null);
      const g = groups.get(key) ?? { target: { ...target, positions }, tokens: [] };
      g.tokens.push(k);
      groups.set(key, g);
    }
    const shorter: AttributionInput = { ...input, ids: input.ids.slice(1) };
    for (const g of groups.values()) {
      const values = await batchedForward(ctx, program, shorter, g.target, {
        count: g.tokens.length,
        make: (j, out) => {
          const k = g.tokens[j];
          out.set(x.subarray(0, k * hidden));
          out.set(x.subarray((k + 1) * hidden), k * hidden);
        },
      });
      g.tokens.forEach((k, j) => {
        scores[k] = fx - values[j];
      });
    }
    return { scores, target: fx, params };
  },
};
