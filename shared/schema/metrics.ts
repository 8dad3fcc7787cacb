/**
 * Reliability metrics (shared/explain/reliability/): the names a request asks for, its parameters,
 * and the shapes they take in the document's `metrics`.
 */
import { z } from 'zod';
import { DEFAULT_METRIC_SAMPLES, DEFAULT_PERTURBATIONS, METRICS } from './defaults.js';
import { LIMITS } from './limits.js';

export { DEFAULT_METRIC_SAMPLES, DEFAULT_PERTURBATIONS, METRICS, type MetricName } from './defaults.js';

/** Request fields, the same on /v1/saliency and /v1/attention. */
export const MetricFields = {
  metrics: z
    .array(z.enum(METRICS))
    .max(METRICS.length)
    .refine((m) => new Set(m).size === m.length, {
      message: 'names a metric more than once',
      params: { code: 'invalid_request' },
    })
    .optional()
    .describe(
      'reliability metrics to compute beside the explanation (default none): stability under meaning-preserving perturbation, significance against random inputs, sanity under weight randomization (Adebayo et al. 2018), agreement of attention with gradients (Jain & Wallace 2019)',
    ),
  perturbations: z
    .number()
    .int()
    .min(1)
    .max(LIMITS.max_perturbations, `must be at most ${LIMITS.max_perturbations} (limits.max_perturbations)`)
    .optional()
    .describe(`stability: perturbations (default ${DEFAULT_PERTURBATIONS})`),
  metric_samples: z
    .number()
    .int()
    .min(2)
    .max(
      LIMITS.max_metric_samples,
      `must be at most ${LIMITS.max_metric_samples} (limits.max_metric_samples)`,
    )
    .optional()
    .describe(`significance: random inputs in the null (default ${DEFAULT_METRIC_SAMPLES})`),
};

const Interval = z.object({
  mean: z.number().nullable(),
  lo: z.number().nullable(),
  hi: z.number().nullable(),
  n: z.number().int(),
});

const RankAgreement = z.object({ spearman: Interval, kendall: Interval, top_k: Interval });
const AttentionAgreement = RankAgreement.extend({ js_distance: Interval });
const PerturbationSummary = z.object({
  kind: z.enum(['drop', 'swap', 'case', 'punctuation', 'neighbour']),
  text: z.string(),
  shared: z.number().int(),
});

export const StabilityMetric = z
  .object({
    requested: z.number().int(),
    perturbations: z.array(PerturbationSummary),
    top_k_fraction: z.number(),
    heads: z
      .array(
        AttentionAgreement.extend({
          stack: z.enum(['encoder', 'decoder']),
          layer: z.number().int(),
          head: z.number().int(),
        }),
      )
      .optional()
      .describe('attention: each head of the input stack'),
    rollout: AttentionAgreement.optional().describe('attention: rollout after the last layer'),
  })
  .merge(RankAgreement.partial())
  .describe(
    'saliency: the map ρ, τ-b and top-k overlap over shared tokens, mean and 95% interval over the perturbations',
  );

export const SignificanceMetric = z.record(
  z.string(),
  z.object({
    null: z.literal('random_tokens'),
    samples: z.number().int(),
    alpha: z.number(),
    correction: z.literal('benjamini_hochberg'),
    z: z.array(z.number().nullable()),
    p: z.array(z.number().nullable()),
    significant: z.array(z.number().int()).describe('indices into input.tokens'),
  }),
);

export const SanityMetric = z.record(
  z.string(),
  z.object({
    cascade: z.array(
      z.object({ randomized: z.string(), spearman: z.number().nullable(), kendall: z.number().nullable() }),
    ),
    threshold: z.number(),
    insensitive: z.boolean(),
  }),
);

export const AgreementMetric = z.object({
  tokens: z.number().int(),
  pairs: z.array(
    z.object({
      attention: z.string(),
      method: z.string(),
      kendall: z.number().nullable(),
      spearman: z.number().nullable(),
    }),
  ),
});

/** The document's `metrics`: the faithfulness figures of saliency documents, and these on request. */
export const Metrics = z
  .object({
    stability: StabilityMetric.optional(),
    significance: SignificanceMetric.optional(),
    sanity: SanityMetric.optional(),
    agreement: AgreementMetric.optional(),
  })
  .catchall(z.unknown());
