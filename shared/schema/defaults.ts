/**
 * The request defaults and names the core reads at run time, as plain data. The zod schemas
 * (./saliency-params.ts, ./metrics.ts) build on these; the core imports this file instead, so that
 * zod stays out of the in-browser runner (zod probes `new Function`, which a strict CSP reports).
 */

/** What a saliency method runs with when the request leaves a parameter out. */
export const SALIENCY_DEFAULTS = {
  integrated_gradients: { steps: 32, baseline: 'zero', quadrature: 'gauss_legendre' },
  smoothgrad: { samples: 16, noise: 0.1, seed: 0 },
  occlusion: { baseline: 'zero' },
} as const;

/** Each saliency method's own request fields (./saliency-params.ts gives each its schema). */
export const SALIENCY_PARAM_NAMES = {
  gradient: [],
  gradient_x_input: [],
  integrated_gradients: ['steps', 'baseline'],
  smoothgrad: ['samples', 'noise', 'seed'],
  occlusion: ['baseline'],
  attention_x_gradient: [],
} as const;

export type SaliencyMethodName = keyof typeof SALIENCY_PARAM_NAMES;

export const METRICS = ['stability', 'significance', 'sanity', 'agreement'] as const;
export type MetricName = (typeof METRICS)[number];

export const DEFAULT_PERTURBATIONS = 8;
export const DEFAULT_METRIC_SAMPLES = 16;
