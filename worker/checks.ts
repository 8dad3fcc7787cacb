/** Request checks that need the model's shape: run after validation, before any model work. */
import type { ModelMeta } from '../shared/runtime/model.js';
import type { TextTokenizer } from '../shared/runtime/tokenizer.js';
import { ApiError } from './errors.js';

/** Fields that only make sense for encoder-decoder models. */
export function encoderDecoderOnly(meta: ModelMeta, fields: Record<string, unknown>): void {
  if (meta.shape.family === 'encoder-decoder') return;
  const given = Object.keys(fields).filter((k) => fields[k] !== undefined);
  if (given.length > 0) {
    throw new ApiError(
      'target_not_supported',
      `${given.join(' and ')} apply to encoder-decoder models; ${meta.id} is an ${meta.shape.family} model`,
    );
  }
}

/** Layer or head indices below `count`. */
export function inRange(
  values: number[] | undefined,
  count: number,
  field: 'layers' | 'heads',
  model: string,
): void {
  const bad = values?.find((v) => v >= count);
  if (bad !== undefined) {
    throw new ApiError(
      field === 'layers' ? 'layer_out_of_range' : 'head_out_of_range',
      `${field}: ${bad} is out of range; ${model} has ${field} 0..${count - 1}`,
    );
  }
}

/** The text's token count (special tokens included), refused over `limit`. */
export function checkTokens(tokenizer: TextTokenizer, text: string, limit: number, field: string): number {
  const n = tokenizer.encode(text).ids.length;
  if (n > limit) {
    throw new ApiError(
      'too_many_tokens',
      `${field}: ${n} tokens, over the limit of ${limit} for this request`,
    );
  }
  return n;
}

/**
 * Gold alignment links `[output row, input token]` within this request's decoder rows and input
 * tokens: a link past them can never be predicted and would only inflate the AER.
 */
export function checkAlignment(gold: [number, number][] | undefined, rows: number, n: number): void {
  const bad = gold?.findIndex(([t, s]) => t >= rows || s >= n) ?? -1;
  if (bad >= 0 && gold) {
    throw new ApiError(
      'alignment_out_of_range',
      `gold_alignment.${bad}: [${gold[bad].join(', ')}] is out of range; this request has output rows ` +
        `0..${rows - 1} and input tokens 0..${n - 1}`,
    );
  }
}
