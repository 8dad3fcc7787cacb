/**
 * Input tensors for the graphs Hugging Face exports: token ids and masks, position ids, and empty
 * `past_key_values` (length 0) for decoders exported with a cache. Every input a graph declares must
 * be fed; one we do not recognise is refused by name rather than guessed.
 */
import type { Feeds, OrtModule, OrtTensor } from './session.js';

export class UnsupportedInputError extends Error {
  readonly code = 'unsupported_model_input';
}

const PAST = /^past_key_values\.\d+\.(decoder\.|encoder\.)?(key|value)$/;

export interface FeedContext {
  ort: OrtModule;
  /** heads and head size of the cache tensors */
  heads: number;
  headDim: number;
}

function int64(ort: OrtModule, values: ArrayLike<number>, dims: number[]): OrtTensor {
  return new ort.Tensor('int64', BigInt64Array.from(Array.from(values, BigInt)), dims);
}

/** Feeds for one sequence (batch 1); `extra` supplies graph-specific inputs such as encoder states. */
export function sequenceFeeds(
  ctx: FeedContext,
  inputNames: readonly string[],
  ids: number[],
  extra: Record<string, OrtTensor> = {},
): Feeds {
  const n = ids.length;
  const feeds: Feeds = {};
  for (const name of inputNames) {
    if (name in extra) feeds[name] = extra[name];
    else if (name === 'input_ids') feeds[name] = int64(ctx.ort, ids, [1, n]);
    else if (name === 'attention_mask') feeds[name] = int64(ctx.ort, new Array(n).fill(1), [1, n]);
    else if (name === 'token_type_ids') feeds[name] = int64(ctx.ort, new Array(n).fill(0), [1, n]);
    else if (name === 'position_ids')
      feeds[name] = int64(
        ctx.ort,
        ids.map((_, i) => i),
        [1, n],
      );
    else if (PAST.test(name))
      feeds[name] = new ctx.ort.Tensor('float32', new Float32Array(0), [1, ctx.heads, 0, ctx.headDim]);
    else
      throw new UnsupportedInputError(
        `the model's graph has an input "${name}" that attn-heatmap does not know how to feed`,
      );
  }
  return feeds;
}

export function maskTensor(ort: OrtModule, n: number): OrtTensor {
  return int64(ort, new Array(n).fill(1), [1, n]);
}
