/**
 * Each saliency method's parameters, with their defaults, in one place: the request schema's
 * variants (./requests.ts), OpenAPI, the CLI's flags and the core's methods
 * (shared/explain/saliency/*) all read them from here. A parameter sent with a method that does not
 * take it is refused (the variants are strict), with a message naming the methods that do.
 */
import { z } from 'zod';
import { SALIENCY_DEFAULTS, type SALIENCY_PARAM_NAMES, type SaliencyMethodName } from './defaults.js';
import { LIMITS } from './limits.js';

export { SALIENCY_DEFAULTS, type SaliencyMethodName } from './defaults.js';

const ig = SALIENCY_DEFAULTS.integrated_gradients;
const sg = SALIENCY_DEFAULTS.smoothgrad;

/** The same field in both methods that take it (integrated gradients' reference, what occlusion puts in). */
const Baseline = z
  .enum(['zero', 'pad'])
  .optional()
  .describe(`the reference input: zero embeddings or the pad token's (default ${ig.baseline})`);

/** The request fields of each method beyond the common ones (model, text, target, target_text). */
export const SALIENCY_PARAMS = {
  gradient: {},
  gradient_x_input: {},
  integrated_gradients: {
    steps: z
      .number()
      .int()
      .min(2)
      .max(LIMITS.max_steps)
      .optional()
      .describe(`quadrature steps (default ${ig.steps}, ${ig.quadrature.replace('_', '-')})`),
    baseline: Baseline,
  },
  smoothgrad: {
    samples: z
      .number()
      .int()
      .min(1)
      .max(LIMITS.max_samples)
      .optional()
      .describe(`noisy samples (default ${sg.samples})`),
    noise: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(`noise σ as a fraction of the embedding range (default ${sg.noise})`),
    seed: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 31)
      .optional()
      .describe(`the noise seed (default ${sg.seed})`),
  },
  occlusion: {
    baseline: Baseline,
  },
  attention_x_gradient: {},
} as const satisfies {
  // the same fields as the core's list, each with its schema
  [M in SaliencyMethodName]: Record<(typeof SALIENCY_PARAM_NAMES)[M][number], z.ZodType>;
};

export const SALIENCY_METHODS = Object.keys(SALIENCY_PARAMS) as SaliencyMethodName[];

/** The methods that take each parameter, e.g. `baseline` → integrated_gradients, occlusion. */
export function methodsTaking(field: string): SaliencyMethodName[] {
  return SALIENCY_METHODS.filter((m) => field in SALIENCY_PARAMS[m]);
}

const APPLIES_TO = ' applies to ';

/** Why a method refuses a field, where the field is another method's parameter. */
export function misplacedParam(method: SaliencyMethodName, field: string): string | undefined {
  const takers = methodsTaking(field);
  return takers.length ? `${field}${APPLIES_TO}${takers.join(' and ')}, not ${method}` : undefined;
}

/** Whether a refused field was another method's parameter (a wrong value, not an unknown field). */
export const isMisplacedParam = (message: string) => message.includes(APPLIES_TO);
