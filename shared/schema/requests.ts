/** API request bodies (zod), shared by the worker, the widget and the CLI. */
import { z } from 'zod';
import { FLOW_MAX_TOKENS, LIMITS } from './limits.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const Text = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.max_text_chars, `must be at most ${LIMITS.max_text_chars} characters`)
  .refine((s) => s.trim().length > 0, 'must contain more than white space')
  .refine((s) => !LONE_SURROGATE.test(s), 'contains a lone UTF-16 surrogate (not valid Unicode text)');

const Index = z.number().int().nonnegative();

export const AttentionRequest = z
  .object({
    model: z.string().min(1).max(200).describe('a model id from GET /v1/models'),
    text: Text.describe('the input text (the source text for encoder-decoder models)'),
    layers: z.array(Index).min(1).max(256).optional().describe('layers to return (default: all)'),
    heads: z.array(Index).min(1).max(256).optional().describe('heads to return (default: all)'),
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
      .describe('encoder-decoder: [output token, input token] pairs; the alignment error rate is reported'),
    target_text: Text.optional().describe('encoder-decoder: decode this text (forced decoding)'),
    generate: z
      .object({ max_new_tokens: z.number().int().min(1).max(LIMITS.max_new_tokens) })
      .strict()
      .optional()
      .describe('encoder-decoder: greedy decoding instead of target_text'),
  })
  .strict();
export type AttentionRequest = z.infer<typeof AttentionRequest>;
