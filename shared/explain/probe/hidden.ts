/**
 * Hidden states of a loaded model, one forward pass per sentence. The loader rewrites each graph
 * with `exposeAttentionAndHidden` (shared/onnx/expose-hidden.ts), which adds `hidden_states.{0…L}`
 * outputs; here we only fetch those. For an encoder-decoder model the encoder is probed (the decoder
 * needs a target text). Anything with `encode` and `run` can stand in (the tests build one).
 */
import { HIDDEN_PREFIX } from '../../onnx/expose-hidden.js';
import { sequenceFeeds } from '../../runtime/feeds.js';
import type { LoadedModel } from '../../runtime/model.js';
import type { Encoded } from '../../runtime/tokenizer.js';
import { ProbeInputError } from './errors.js';

export interface HiddenStateModel {
  id: string;
  /** hidden-state layers: L + 1 (0 = embeddings) */
  layers: number;
  /** hidden size */
  dim: number;
  /** the most tokens one forward pass may take */
  maxTokens: number;
  encode(text: string): Encoded;
  /** every layer's states for one sequence: `layers` arrays of [tokens × dim] */
  run(ids: number[]): Promise<Float32Array[]>;
  /**
   * The same for several sequences in one padded batch (right padding, masked), when the graph's
   * inputs allow it and the graph keeps examples apart (not a dynamic-int8 graph, whose activation
   * range is taken over the whole batch, padding included): result[sequence][layer] = [tokens × dim],
   * each sentence's states those it gets alone. Much faster than one run each.
   */
  runBatch?(ids: number[][]): Promise<Float32Array[][]>;
}

export function isHiddenStateModel(m: LoadedModel | HiddenStateModel): m is HiddenStateModel {
  return (
    typeof (m as HiddenStateModel).run === 'function' && typeof (m as HiddenStateModel).encode === 'function'
  );
}

export function hiddenStateModel(model: LoadedModel): HiddenStateModel {
  const graph = model.graphs.model ?? model.graphs.encoder;
  if (!graph)
    throw new ProbeInputError('hidden_states_not_exposed', `model ${model.id} has no graph to probe`);
  const pattern = new RegExp(`^${HIDDEN_PREFIX}\\.(\\d+)$`);
  const names = graph.session.outputNames
    .map((n) => ({ n, m: pattern.exec(n) }))
    .filter((o) => o.m)
    .map((o) => ({ name: o.n, layer: Number(o.m![1]) }))
    .sort((a, b) => a.layer - b.layer);
  if (names.length === 0 || names.some((o, i) => o.layer !== i))
    throw new ProbeInputError(
      'hidden_states_not_exposed',
      `model ${model.id} does not expose hidden_states.0 … hidden_states.L (load it with exposeAttentionAndHidden)`,
    );
  const fetch = names.map((o) => o.name);
  const { heads, hidden } = model.shape;
  const ctx = { ort: model.ort, heads, headDim: hidden / heads };
  return {
    id: model.id,
    layers: fetch.length,
    dim: hidden,
    maxTokens: model.maxTokens,
    encode: (text) => model.tokenizer.encode(text),
    async run(ids) {
      const out = await graph.session.run(sequenceFeeds(ctx, graph.session.inputNames, ids), fetch);
      return fetch.map((n) => out[n].data as Float32Array);
    },
    ...(graph.batchSeparable && graph.session.inputNames.every((n) => BATCHABLE.test(n))
      ? {
          async runBatch(batch) {
            const lengths = batch.map((b) => b.length);
            const width = Math.max(...lengths);
            const out = await graph.session.run(
              batchFeeds(model, graph.session.inputNames, batch, width),
              fetch,
            );
            return batch.map((_, b) =>
              fetch.map((n) => {
                const data = out[n].data as Float32Array;
                const start = b * width * hidden;
                return data.slice(start, start + lengths[b] * hidden);
              }),
            );
          },
        }
      : {}),
  };
}

/** Inputs we know how to pad: ids, masks, token types, positions and an empty cache. */
const BATCHABLE =
  /^(input_ids|attention_mask|token_type_ids|position_ids|past_key_values\.\d+\.(key|value))$/;

/**
 * Feeds for a right-padded batch: padding gets mask 0, so no real token attends to it (padding keys
 * are masked in every layer; causal models never look right anyway) and real tokens' states are
 * those of the unpadded sequence up to float rounding.
 */
function batchFeeds(model: LoadedModel, names: readonly string[], batch: number[][], width: number) {
  const { ort } = model;
  const { heads, hidden } = model.shape;
  const n = batch.length;
  const fill = (f: (b: number, i: number) => number) => {
    const data = new BigInt64Array(n * width);
    for (let b = 0; b < n; b++) for (let i = 0; i < width; i++) data[b * width + i] = BigInt(f(b, i));
    return new ort.Tensor('int64', data, [n, width]);
  };
  const pad = model.tokenizer.padId;
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  for (const name of names) {
    if (name === 'input_ids') feeds[name] = fill((b, i) => (i < batch[b].length ? batch[b][i] : pad));
    else if (name === 'attention_mask') feeds[name] = fill((b, i) => (i < batch[b].length ? 1 : 0));
    else if (name === 'token_type_ids') feeds[name] = fill(() => 0);
    else if (name === 'position_ids') feeds[name] = fill((_, i) => i);
    else feeds[name] = new ort.Tensor('float32', new Float32Array(0), [n, heads, 0, hidden / heads]);
  }
  return feeds;
}
