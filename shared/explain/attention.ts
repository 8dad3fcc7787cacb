/**
 * Attention explanation: every layer and head of every attention kind the model has (encoder self,
 * decoder self, cross), as an explanation document.
 */

import { type ForwardResult, forward } from '../runtime/forward.js';
import type { LoadedModel } from '../runtime/model.js';
import { type ExplanationDocument, SCHEMA_ID } from '../schema/document.js';
import type { AttentionRequest } from '../schema/requests.js';
import { attentionEntry } from './attention-entry.js';
import { describeModel, describeOutput } from './document.js';

export type AttentionOptions = Omit<AttentionRequest, 'model' | 'text'>;

export async function explainAttention(
  model: LoadedModel,
  text: string,
  opts: AttentionOptions,
): Promise<ExplanationDocument> {
  const input = model.tokenizer.encode(text);
  const result: ForwardResult = await forward(model, input, opts);
  const layers = opts.layers ? new Set(opts.layers) : undefined;
  return {
    schema: SCHEMA_ID,
    model: describeModel(model),
    input: { text, tokens: input.tokens },
    output: describeOutput(model, result),
    attention: result.attention
      .filter((a) => !layers || layers.has(a.info.layer))
      .map((a) =>
        attentionEntry(a, {
          heads: opts.heads,
          aggregate: opts.aggregate ?? 'none',
          encoding: opts.encoding ?? 'f32',
        }),
      ),
  };
}
