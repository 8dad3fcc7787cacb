/**
 * One forward pass of a loaded model on a text, for every family: the attention tensors its graphs
 * expose and the logits. Encoder-decoder models decode a given target (forced decoding) or greedily.
 */
import type { AttentionOutput } from '../onnx/expose-attention.js';
import { type FeedContext, maskTensor, sequenceFeeds } from './feeds.js';
import type { Graph, LoadedModel } from './model.js';
import type { OrtTensor } from './session.js';
import type { Encoded } from './tokenizer.js';

export interface AttentionTensor {
  info: AttentionOutput;
  /** [1, heads, rows, cols] */
  tensor: OrtTensor;
}

export interface ForwardResult {
  input: Encoded;
  /**
   * Encoder-decoder: `ids`/`tokens` are the output tokens, one per decoder row — row i is the step
   * whose prediction is token i (the start token is an input only; under forced decoding the last row
   * is the step that predicts end-of-sequence). `decoderIds` are the ids the decoder was fed (start first).
   */
  target?: Encoded & { text: string; decoderIds: number[] };
  attention: AttentionTensor[];
  /** encoder: [1, labels]; decoder and encoder-decoder: [1, positions, vocab] */
  logits: OrtTensor;
}

/** Tokens an encoder-decoder model generates when neither a target nor a length is given. */
export const DEFAULT_NEW_TOKENS = 20;

export interface ForwardOptions {
  target_text?: string;
  generate?: { max_new_tokens: number };
}

function feedContext(model: LoadedModel): FeedContext {
  const { heads, hidden } = model.shape;
  return { ort: model.ort, heads, headDim: hidden / heads };
}

async function run(graph: Graph, feeds: Record<string, OrtTensor>) {
  const out = await graph.session.run(feeds);
  return { out, attention: graph.attention.map((info) => ({ info, tensor: out[info.output] })) };
}

export function argmaxLast(logits: OrtTensor): number {
  const data = logits.data as Float32Array;
  const vocab = logits.dims[logits.dims.length - 1];
  let best = 0;
  for (let v = 1, off = data.length - vocab; v < vocab; v++) if (data[off + v] > data[off + best]) best = v;
  return best;
}

export async function forward(
  model: LoadedModel,
  input: Encoded,
  opts: ForwardOptions = {},
): Promise<ForwardResult> {
  const ctx = feedContext(model);
  const { model: single, encoder, decoder } = model.graphs;
  if (single) {
    const { out, attention } = await run(single, sequenceFeeds(ctx, single.session.inputNames, input.ids));
    return { input, attention, logits: out.logits };
  }
  if (!encoder || !decoder)
    throw new Error(`model ${model.id} has neither a model graph nor encoder and decoder graphs`);
  const enc = await run(encoder, sequenceFeeds(ctx, encoder.session.inputNames, input.ids));
  const extra = {
    encoder_hidden_states: enc.out.last_hidden_state,
    encoder_attention_mask: maskTensor(model.ort, input.ids.length),
  };
  const start = model.config.decoder_start_token_id ?? model.config.pad_token_id ?? 0;
  const decode = (ids: number[]) => run(decoder, sequenceFeeds(ctx, decoder.session.inputNames, ids, extra));
  const eos = model.config.eos_token_id;
  let fed: number[];
  let text: string;
  let produced: number[];
  if (opts.target_text !== undefined) {
    const t = model.tokenizer.encode(opts.target_text, false);
    fed = [start, ...t.ids];
    text = opts.target_text;
    // the step after the last target token predicts end-of-sequence, as in training labels
    produced = eos === undefined ? t.ids : [...t.ids, eos];
    if (eos === undefined) fed = fed.slice(0, -1);
  } else {
    // Greedy decoding without a cache: each step reruns the (short) prefix, so no past is needed.
    const ids = [start];
    for (let i = 0; i < (opts.generate?.max_new_tokens ?? DEFAULT_NEW_TOKENS); i++) {
      const next = argmaxLast((await decode(ids)).out.logits);
      ids.push(next);
      if (next === eos) break;
    }
    text = model.tokenizer.decode(ids);
    // the last generated token is predicted, never fed
    fed = ids.slice(0, -1);
    produced = ids.slice(1);
  }
  const target = { ...model.tokenizer.describe(text, produced), text, decoderIds: fed };
  const dec = await decode(fed);
  return { input, target, attention: [...enc.attention, ...dec.attention], logits: dec.out.logits };
}
