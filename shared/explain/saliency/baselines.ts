/** Reference inputs for integrated gradients and occlusion: zero embeddings or the pad token's. */
import type { SaliencyContext } from './context.js';

export type Baseline = 'zero' | 'pad';

export class BaselineError extends Error {
  readonly code = 'baseline_not_available';
}

/** The embedding of one token position in the baseline input [hidden]. */
export function baselineRow(ctx: SaliencyContext, baseline: Baseline): Float32Array {
  if (baseline === 'zero') return new Float32Array(ctx.embedding.hidden);
  if (ctx.padTokenId === undefined)
    throw new BaselineError('this model has no pad token: use the zero baseline');
  return ctx.embed([ctx.padTokenId]);
}

/** The whole baseline input [tokens · hidden]: every token replaced. */
export function baselineInput(ctx: SaliencyContext, tokens: number, baseline: Baseline): Float32Array {
  const row = baselineRow(ctx, baseline);
  const out = new Float32Array(tokens * row.length);
  for (let t = 0; t < tokens; t++) out.set(row, t * row.length);
  return out;
}
