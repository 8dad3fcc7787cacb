/**
 * The explanation document (v1): the one JSON shape every producer emits and the widget reads.
 * Field names are the contract in ../../DESIGN (see README); add fields, never rename them.
 */

import { z } from 'zod';
import { SATURATION_THRESHOLD } from '../explain/saturation.js';

import { SCHEMA_ID } from './id.js';
import { Metrics } from './metrics.js';

export { SCHEMA_ID };

export const ModelFamily = z.enum(['encoder', 'decoder', 'encoder-decoder']);
export type ModelFamily = z.infer<typeof ModelFamily>;

export const Token = z.object({
  text: z.string().describe('the token as the tokenizer spells it, e.g. "##ing" or "Ġthe"'),
  start: z.number().int().describe('UTF-16 offset of the first character in the text it came from'),
  end: z.number().int().describe('UTF-16 offset one past the last character; start = end for special tokens'),
  special: z.boolean(),
  id: z.number().int().optional(),
});
export type Token = z.infer<typeof Token>;

export const ModelInfo = z.object({
  id: z.string(),
  family: ModelFamily,
  layers: z.number().int().describe('decoder layers for encoder-decoder models'),
  heads: z.number().int(),
  encoder_layers: z.number().int().optional(),
  precision: z.enum(['fp32', 'int8']).optional(),
});

export const TokenizedText = z.object({ text: z.string(), tokens: z.array(Token) });

export const AttentionKind = z.enum(['self', 'cross']);
export const AttentionStack = z.enum(['encoder', 'decoder']);

export const AttentionEntry = z.object({
  kind: AttentionKind,
  stack: AttentionStack,
  layer: z.number().int(),
  heads: z.number().int().describe('number of heads in data (after head selection)'),
  head_ids: z
    .array(z.number().int())
    .optional()
    .describe('the model heads data holds (or averages), in order'),
  aggregate: z
    .enum(['mean', 'max'])
    .optional()
    .describe(
      'present when data holds one matrix combining head_ids (max: element-wise max, rows renormalised)',
    ),
  derived: z
    .enum(['rollout', 'flow'])
    .optional()
    .describe(
      'attention rollout or flow (Abnar & Zuidema 2020) up to and including this layer, heads averaged',
    ),
  rows: z.number().int().describe('query positions'),
  cols: z.number().int().describe('key positions'),
  encoding: z.enum(['f32', 'u8']),
  data: z
    .union([z.array(z.array(z.array(z.number()))), z.string()])
    .describe('f32: [head][row][col] numbers; u8: base64 of heads*rows*cols bytes, p = byte/255'),
});
export type AttentionEntry = z.infer<typeof AttentionEntry>;

export const OutputInfo = z.object({
  text: z.string().optional(),
  tokens: z
    .array(Token)
    .optional()
    .describe(
      'encoder-decoder: one token per decoder row — row i of decoder self- and cross-attention is the step whose prediction is tokens[i]; the decoder start token is an input only and has no row; under forced decoding (target_text) the last token is end-of-sequence, predicted by the step after the last target token',
    ),
  label: z.string().optional(),
  scores: z.record(z.string(), z.number()).optional(),
});

export const SaliencyEntry = z.object({
  method: z.string(),
  target: z.record(z.string(), z.unknown()),
  scores: z.array(z.number()).describe('one per input token'),
  signed: z.boolean().optional().describe('true when scores have a sign (diverging colour scale)'),
  params: z.record(z.string(), z.unknown()).optional(),
  checks: z
    .record(z.string(), z.number())
    .optional()
    .describe(
      `the method's self-checks (integrated gradients: completeness_error, …) and, for probability and log-probability targets without a foil, target_saturation (the mass the target leaves to other outcomes: 1 − p, a span's 1 − Π p or Σ (1 − p)) and target_saturated (1 when that is below ${SATURATION_THRESHOLD}, where the target's gradient says little beyond certainty, else 0)`,
    ),
});

export const HeadStats = z.object({
  kind: AttentionKind,
  stack: AttentionStack,
  layer: z.number().int(),
  head: z.number().int(),
  entropy: z.number().describe('mean row entropy in nats'),
  diagonal_distance: z.number().describe('mean over rows of Σ p·|row − col|'),
});

export const Alignment = z.object({
  layer: z
    .union([z.number().int(), z.literal('mean')])
    .describe('cross-attention layer, or the mean over layers'),
  links: z
    .array(z.tuple([z.number().int(), z.number().int()]))
    .describe('[output token, input token] pairs: indices into output.tokens and input.tokens'),
  aer: z.number().optional().describe('alignment error rate against the gold alignment, when one was given'),
});

export const ExplanationDocument = z.object({
  schema: z.literal(SCHEMA_ID),
  model: ModelInfo,
  input: TokenizedText,
  output: OutputInfo.optional(),
  attention: z.array(AttentionEntry).optional(),
  head_stats: z.array(HeadStats).optional(),
  alignment: z.array(Alignment).optional(),
  saliency: z.array(SaliencyEntry).optional(),
  probe: z.record(z.string(), z.unknown()).optional(),
  metrics: Metrics.optional(),
});
export type ExplanationDocument = z.infer<typeof ExplanationDocument>;
