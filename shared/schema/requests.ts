/** API request bodies (zod), shared by the worker, the widget and the CLI. */
import { z } from 'zod';
import { FLOW_MAX_TOKENS, LIMITS } from './limits.js';
import { MetricFields } from './metrics.js';
import { misplacedParam, SALIENCY_PARAMS, type SaliencyMethodName } from './saliency-params.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A text field. Its length is counted in UTF-16 code units as LIMITS documents (zod's `max` counts
 * code points, which let 8,000 units of emoji through), so it is a refinement rather than JSON
 * Schema's `maxLength` (code points too). Each refinement names its error code in `params`.
 */
export const Text = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => s.length <= LIMITS.max_text_chars, {
    message: `must be at most ${LIMITS.max_text_chars} UTF-16 code units`,
    params: { code: 'text_too_long' },
  })
  .refine((s) => s.trim().length > 0, {
    message: 'must contain more than white space',
    params: { code: 'empty_text' },
  })
  .refine((s) => !LONE_SURROGATE.test(s), {
    message: 'contains a lone UTF-16 surrogate (not valid Unicode text)',
    params: { code: 'invalid_text' },
  });

const Index = z.number().int().nonnegative();

/** Layer or head ids: each at most once (a repeated id would repeat its matrices in the response). */
const Indices = (max: number) =>
  z
    .array(Index)
    .min(1)
    .max(max)
    .refine((ids) => new Set(ids).size === ids.length, {
      message: 'lists an index more than once',
      params: { code: 'duplicate_index' },
    });

export const AttentionRequest = z
  .object({
    model: z.string().min(1).max(200).describe('a model id from GET /v1/models'),
    text: Text.describe('the input text (the source text for encoder-decoder models)'),
    layers: Indices(256).optional().describe('layers to return (default: all)'),
    heads: Indices(256).optional().describe('heads to return (default: all)'),
    encoding: z.enum(['f32', 'u8']).default('f32').describe('u8: one byte per weight, p = byte/255'),
    aggregate: z
      .enum(['none', 'mean', 'max'])
      .default('none')
      .describe('combine the selected heads into one matrix: their mean, or their element-wise max'),
    analyses: z
      .array(z.enum(['rollout', 'flow']))
      .max(2)
      .optional()
      .describe(
        `further entries per self-attention stack: rollout, and flow (up to ${FLOW_MAX_TOKENS} tokens)`,
      ),
    gold_alignment: z
      .array(z.tuple([Index, Index]))
      .max(4096)
      .optional()
      .describe(
        "encoder-decoder: [output token, input token] pairs, indices into the document's output.tokens (target_text tokens, then end-of-sequence) and input.tokens; the alignment error rate is reported",
      ),
    target_text: Text.optional().describe('encoder-decoder: decode this text (forced decoding)'),
    generate: z
      .object({ max_new_tokens: z.number().int().min(1).max(LIMITS.max_new_tokens) })
      .strict()
      .optional()
      .describe('encoder-decoder: greedy decoding instead of target_text'),
    ...MetricFields,
  })
  .strict();
export type AttentionRequest = z.infer<typeof AttentionRequest>;

const LabelOrToken = z.union([z.string().min(1).max(200), z.number().int().nonnegative()]);

export const SaliencyTarget = z
  .object({
    label: LabelOrToken.optional().describe(
      'classifier: the class to explain, by name or index (default: the predicted class)',
    ),
    token: LabelOrToken.optional().describe(
      'decoder: the next token to explain, as text (one token) or id (default: the predicted next token)',
    ),
    foil: LabelOrToken.optional().describe(
      'contrast: explain score(target) − score(foil), a label or a token',
    ),
    score: z
      .enum(['logit', 'probability', 'log_probability'])
      .optional()
      .describe('default: probability for classifiers, log_probability for language models'),
  })
  .strict();
export type SaliencyTarget = z.infer<typeof SaliencyTarget>;

const SaliencyCommon = {
  model: z.string().min(1).max(200).describe('a model id from GET /v1/models'),
  text: Text.describe('the input text whose tokens are scored (the source text for encoder-decoder models)'),
  target: SaliencyTarget.optional(),
  target_text: Text.optional().describe(
    'encoder-decoder: the output whose log-probability (summed over its tokens) is explained',
  ),
  ...MetricFields,
};

/** One method's request: the common fields and that method's own parameters, nothing else. */
const saliencyVariant = <M extends SaliencyMethodName>(method: M) =>
  z.strictObject(
    { ...SaliencyCommon, method: z.literal(method), ...SALIENCY_PARAMS[method] },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? iss.keys.map((k) => misplacedParam(method, k)).find(Boolean)
          : undefined,
    },
  );

/** A saliency request, one variant per method (`method` tells them apart). */
export const SaliencyRequest = z.discriminatedUnion('method', [
  saliencyVariant('gradient'),
  saliencyVariant('gradient_x_input'),
  saliencyVariant('integrated_gradients'),
  saliencyVariant('smoothgrad'),
  saliencyVariant('occlusion'),
  saliencyVariant('attention_x_gradient'),
]);
export type SaliencyRequest = z.infer<typeof SaliencyRequest>;

export const ProbeRequest = z
  .object({
    model: z.string().min(1).max(200).describe('a model id from GET /v1/models'),
    task: z
      .enum(['pos', 'pos_fine'])
      .optional()
      .describe(
        'built-in task: part of speech on held-out Brown files (12 universal tags, or the fine Brown tags)',
      ),
    examples: z
      .array(z.object({ text: Text, labels: z.array(z.string().min(1).max(64)).min(1) }).strict())
      .min(1)
      .max(LIMITS.max_probe_examples)
      .optional()
      .describe('your own labelled data: one label per whitespace-separated word'),
    layers: Indices(64).optional().describe('built-in task: hidden-state layers (0 = embeddings)'),
    layer: Index.optional().describe('examples: the one layer to probe (default all)'),
    probe: z
      .enum(['linear', 'mlp'])
      .optional()
      .describe('default linear (multinomial logistic regression with L2)'),
    features: z
      .enum(['first', 'mean'])
      .optional()
      .describe('word features from sub-words: the first (default) or the mean'),
    seed: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 31)
      .optional(),
  })
  .strict();
export type ProbeRequest = z.infer<typeof ProbeRequest>;

/** A request without the fields every host reads itself (the model, and the text it encodes). */
export type SaliencyParams = SaliencyRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'model' | 'text'>
    : never
  : never;
