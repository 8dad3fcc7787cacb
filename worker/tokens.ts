/** Token limits, checked after tokenisation and before any model work. */
import type { TextTokenizer } from '../shared/runtime/tokenizer.js';
import { ApiError } from './errors.js';

export function checkTokens(tokenizer: TextTokenizer, text: string, limit: number, field: string): void {
  const n = tokenizer.encode(text).ids.length;
  if (n > limit) {
    throw new ApiError(
      400,
      'too_many_tokens',
      `${field}: ${n} tokens, over the limit of ${limit} for this request`,
    );
  }
}
