/**
 * Token rankings read from self-attention, so that attention can be judged like a saliency map: the
 * row the prediction is read from (the first token for a classifier's pooler, the predicting
 * position for a language model) of the last layer's head-mean attention, and of rollout after the
 * last layer (Abnar & Zuidema 2020). Encoder and decoder models (self-attention of the input).
 */

import { matrix } from '../attention/matrix.js';
import { attentionRollout } from '../attention/rollout.js';
import type { SaliencyContext } from '../saliency/context.js';
import { kindOf, type TargetSpec } from '../targets.js';

export const ATTENTION_MAPS = ['last_layer_mean', 'rollout'] as const;
export type AttentionMapName = (typeof ATTENTION_MAPS)[number];
export type AttentionMaps = Record<AttentionMapName, number[]>;

/** The row a prediction is read from. */
export function predictionRow(ctx: SaliencyContext, target: TargetSpec, n: number): number {
  return ctx.shape.family === 'decoder' ? (target.positions?.[0] ?? n - 1) : 0;
}

export async function attentionMaps(
  ctx: SaliencyContext,
  ids: number[],
  target: TargetSpec,
): Promise<AttentionMaps> {
  const run = ctx.attentionProgram(kindOf(target));
  const { layers } = await run(ctx.embed(ids), ids, target);
  const n = ids.length;
  const means = [...layers]
    .sort((a, b) => a.layer - b.layer)
    .map((l) => {
      const m = matrix(n, n);
      for (let h = 0; h < l.heads; h++)
        for (let i = 0; i < n * n; i++) m.data[i] += l.probs[h * n * n + i] / l.heads;
      return m;
    });
  const row = predictionRow(ctx, target, n);
  const last = means[means.length - 1];
  const rolled = attentionRollout(means);
  const r = rolled[rolled.length - 1];
  return {
    last_layer_mean: Array.from(last.data.subarray(row * n, (row + 1) * n)),
    rollout: Array.from(r.data.subarray(row * n, (row + 1) * n)),
  };
}
