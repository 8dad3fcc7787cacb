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
      400,
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
      400,
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
      400,
      'too_many_tokens',
      `${field}: ${n} tokens, over the limit of ${limit} for this request`,
    );
  }
  return n;
}
