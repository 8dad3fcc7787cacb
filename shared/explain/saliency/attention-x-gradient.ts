/**
 * Attention × gradient relevance (Chefer, Gur & Wolf 2021, "Generic Attention-model Explainability
 * for Interpreting Bi-Modal and Encoder-Decoder Transformers"): for self-attention, R starts as the
 * identity and each layer adds its gradient-weighted attention, Ā = mean over heads of (∂f/∂A ⊙ A)⁺,
 * as R ← R + Ā·R. A token's score is its column in the row that the prediction is read from: the
 * first token for a classifier (the [CLS] pooler), the predicting position for a language model.
 */
import { kindOf } from '../targets.js';
import { AttentionGradientError } from './attention-program.js';
import type { SaliencyMethod } from './types.js';

export const attentionXGradient: SaliencyMethod<Record<string, never>> = {
  name: 'attention_x_gradient',
  needsGradient: true,
  families: ['encoder', 'decoder'],
  signed: false,
  defaults: {},
  async attribute(ctx, input, target) {
    if (!attentionXGradient.families!.includes(ctx.shape.family)) {
      throw new AttentionGradientError(
        'attention_x_gradient is implemented for encoder and decoder models (self-attention); use another method for encoder-decoder models',
      );
    }
    const run = ctx.attentionProgram(kindOf(target));
    const { value, layers } = await run(ctx.embed(input.ids), input.ids, target);
    const n = input.ids.length;
    let r: Float64Array = new Float64Array(n * n);
    for (let i = 0; i < n; i++) r[i * n + i] = 1;
    for (const l of [...layers].sort((a, b) => a.layer - b.layer)) {
      const bar = new Float64Array(n * n);
      for (let h = 0; h < l.heads; h++)
        for (let i = 0; i < n * n; i++)
          bar[i] += Math.max(0, l.grads[h * n * n + i] * l.probs[h * n * n + i]) / l.heads;
      const next = Float64Array.from(r);
      for (let i = 0; i < n; i++)
        for (let k = 0; k < n; k++) {
          const v = bar[i * n + k];
          if (v !== 0) for (let j = 0; j < n; j++) next[i * n + j] += v * r[k * n + j];
        }
      r = next;
    }
    const row = ctx.shape.family === 'decoder' ? (target.positions?.[0] ?? n - 1) : 0;
    return {
      scores: Array.from(r.subarray(row * n, (row + 1) * n)),
      target: value,
      params: { row },
    };
  },
};
