/**
 * The saliency methods, by API name, behind one interface (captum's `attribute()`):
 *
 *   const ctx = await createSaliencyContext(model, read, factory);   // model: a LoadedModel or ModelMeta + precision
 *   const r = await saliencyMethod('integrated_gradients').attribute(
 *     ctx,
 *     { ids },                                            // encoder-decoder: { ids, decoderIds }
 *     { score: 'probability', tokens: [labelId] },        // LM: { score: 'log_probability', tokens, positions }
 *     { steps: 64, baseline: 'pad' },
 *   );
 *   r.scores;                        // one per input token
 *   r.checks?.completeness_error;    // integrated gradients
 *
 * One context per model keeps its sessions (one set per kind of target) open for later requests.
 */

import type { SaliencyMethodName } from '../../schema/defaults.js';
import { attentionXGradient } from './attention-x-gradient.js';
import { gradient } from './gradient.js';
import { gradientXInput } from './gradient-x-input.js';
import { integratedGradients } from './integrated-gradients.js';
import { occlusion } from './occlusion.js';
import { smoothgrad } from './smoothgrad.js';
import type { SaliencyMethod } from './types.js';

/** The registry: each method of the API's list (shared/schema/saliency-params.ts) and its implementation. */
// biome-ignore lint/suspicious/noExplicitAny: each method has its own parameter type.
export const saliencyMethods: Record<SaliencyMethodName, SaliencyMethod<any>> = {
  gradient,
  gradient_x_input: gradientXInput,
  integrated_gradients: integratedGradients,
  smoothgrad,
  occlusion,
  attention_x_gradient: attentionXGradient,
};

export function saliencyMethod(name: string): SaliencyMethod {
  const m = saliencyMethods[name as SaliencyMethodName];
  if (!m)
    throw new Error(`unknown saliency method "${name}"; known: ${Object.keys(saliencyMethods).join(', ')}`);
  return m;
}

export { type Baseline, BaselineError } from './baselines.js';
export { createSaliencyContext, SaliencyContext, type SaliencyContextOptions } from './context.js';
export type { DifferentiableModel, GradientBatch } from './program.js';
export type { Attribution, AttributionInput, SaliencyMethod } from './types.js';
