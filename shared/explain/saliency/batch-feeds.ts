/**
 * Feeds for a batch of copies of one sequence: the ids-derived inputs (masks, token types, position
 * ids, empty caches) come from the runtime's `sequenceFeeds` for batch 1 and are repeated along the
 * batch axis; per-example inputs (`inputs_embeds`, encoder states) and target inputs are given.
 */
import { type FeedContext, sequenceFeeds } from '../../runtime/feeds.js';
import type { Feeds, OrtTensor } from '../../runtime/session.js';

export function repeatBatch(ctx: FeedContext, t: OrtTensor, batch: number): OrtTensor {
  if (batch === 1) return t;
  const dims = [batch, ...t.dims.slice(1)];
  const src = t.data as ArrayLike<number | bigint> & { length: number; constructor: unknown };
  const Ctor = src.constructor as new (n: number) => { set(a: ArrayLike<unknown>, o: number): void };
  const data = new Ctor(src.length * batch);
  for (let b = 0; b < batch; b++) data.set(src, b * src.length);
  return new ctx.ort.Tensor(t.type as 'float32', data as unknown as Float32Array, dims);
}

export function batchFeeds(
  ctx: FeedContext,
  inputNames: readonly string[],
  ids: number[],
  batch: number,
  given: Feeds,
): Feeds {
  const rest = inputNames.filter((n) => !(n in given));
  const single = sequenceFeeds(ctx, rest, ids);
  const feeds: Feeds = {};
  for (const name of inputNames)
    feeds[name] = name in given ? given[name] : repeatBatch(ctx, single[name], batch);
  return feeds;
}
