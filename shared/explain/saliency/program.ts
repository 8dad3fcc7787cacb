/**
 * The model as a differentiable function of its input embeddings: for a batch of B embeddings
 * [B, tokens, hidden] of one input, the target's value per example and its gradient. Built from the
 * model's graphs by three rewrites: `withInputsEmbeds`, `appendTarget`, `gradientModel`.
 *
 * Encoder-decoder models: the encoder and the decoder are chained into one graph (the decoder's
 * `encoder_hidden_states` read the encoder's `last_hidden_state`), and its gradient model takes the
 * target back to the source embeddings in one run. The decoder's own tokens are fixed (forced decoding).
 *
 * int8 models: gradients are those of the dequantized surrogate (every MatMulInteger pattern replaced
 * by a float MatMul with the dequantized weight, ../../onnx/autodiff/dequantize.ts), computed exactly,
 * so integrated gradients are complete for it; `forward` runs the int8 model itself, and `surrogate`
 * gives the surrogate's values for the checks.
 *
 * Batches: every run gives each example exactly what it would get alone. Where a graph mixes the
 * examples of a batch (a dynamic-int8 graph's DynamicQuantizeLinear takes one activation range over
 * the whole batch; ../../onnx/batch-coupling.ts), its runs take one example at a time.
 *
 * Sessions are opened lazily: a forward-only method (occlusion) never builds a gradient model, so it
 * still works for a model with an operator the autodiff refuses.
 */
import { dequantizedSurrogate } from '../../onnx/autodiff/dequantize.js';
import { gradientModel, gradName } from '../../onnx/autodiff/index.js';
import { isBatchSeparable } from '../../onnx/batch-coupling.js';
import { chainGraphs } from '../../onnx/chain.js';
import { type EmbeddingMatrix, embed, INPUTS_EMBEDS, withInputsEmbeds } from '../../onnx/inputs-embeds.js';
import { encodeModel, type ModelProto } from '../../onnx/proto.js';
import type { FeedContext } from '../../runtime/feeds.js';
import type { OrtTensor, Session, SessionFactory } from '../../runtime/session.js';
import { appendTarget, TARGET, type TargetKind, type TargetSpec, targetFeeds } from '../targets.js';
import { batchFeeds } from './batch-feeds.js';
import type { AttributionInput } from './types.js';

export interface GradientBatch {
  /** target per example [B] (int8 models: the surrogate's) */
  values: Float32Array;
  /** d target / d embeddings [B · tokens · hidden] */
  grads: Float32Array;
}

type Run<T> = (
  embeds: Float32Array,
  batch: number,
  input: AttributionInput,
  target: TargetSpec,
) => Promise<T>;

export interface DifferentiableModel {
  /** the target per example, computed by the model as it is (int8 stays int8) */
  forward: Run<Float32Array>;
  gradient: Run<GradientBatch>;
  /** int8 models only: the target of the dequantized surrogate, whose gradient `gradient` returns */
  surrogate?: Run<Float32Array>;
}

export interface Graphs {
  model?: ModelProto;
  encoder?: ModelProto;
  decoder?: ModelProto;
}

const ENCODER_STATES = 'encoder_hidden_states';
/** the prefix of the decoder's names in the chained encoder → decoder graph */
const DECODER = 'decoder/';
const ENCODER_OUTPUT = 'last_hidden_state';

const isQuantized = (m: ModelProto | undefined) =>
  !!m?.graph?.node?.some((n) => n.opType === 'MatMulInteger');

interface Lazy {
  (): Promise<Session>;
  /** whether the session was asked for already */
  readonly opened: boolean;
}

/** Opens a session on first use. */
function lazy(factory: SessionFactory, build: () => ModelProto): Lazy {
  let session: Promise<Session> | undefined;
  const get = () => {
    session ??= factory.create(encodeModel(build()));
    return session;
  };
  return Object.defineProperty(get, 'opened', { get: () => session !== undefined }) as Lazy;
}

function once<T>(f: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: f() };
    return value.v;
  };
}

/**
 * `run` as it is where `separable()` says the graph keeps examples apart, else one run per example,
 * the results joined in order. A batched run that onnxruntime refuses (a graph that fails at some
 * batch size, no memory for the batch) is run again one example at a time: batching only saves time,
 * and a separable graph gives each example the same result either way. An example that fails alone
 * fails the call.
 */
function perExample<T>(run: Run<T>, separable: () => boolean, join: (parts: T[]) => T): Run<T> {
  const oneByOne: Run<T> = async (embeds, batch, input, target) => {
    const size = embeds.length / batch;
    const parts: T[] = [];
    for (let b = 0; b < batch; b++)
      parts.push(await run(embeds.subarray(b * size, (b + 1) * size), 1, input, target));
    return join(parts);
  };
  return async (embeds, batch, input, target) => {
    if (batch === 1) return run(embeds, batch, input, target);
    if (!separable()) return oneByOne(embeds, batch, input, target);
    try {
      return await run(embeds, batch, input, target);
    } catch {
      return oneByOne(embeds, batch, input, target);
    }
  };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const joinGradients = (parts: GradientBatch[]): GradientBatch => ({
  values: concat(parts.map((p) => p.values)),
  grads: concat(parts.map((p) => p.grads)),
});

/** Forward, gradient and surrogate runs, each split per example where its graph needs it. */
function separated(
  m: DifferentiableModel,
  plainSeparable: () => boolean,
  diffSeparable: () => boolean,
): DifferentiableModel {
  return {
    forward: perExample(m.forward, plainSeparable, concat),
    gradient: perExample(m.gradient, diffSeparable, joinGradients),
    surrogate: m.surrogate && perExample(m.surrogate, diffSeparable, concat),
  };
}

export function differentiable(
  graphs: Graphs,
  kind: TargetKind,
  factory: SessionFactory,
  feedCtx: FeedContext,
  embedding: EmbeddingMatrix,
): DifferentiableModel {
  const { ort } = factory;
  const tensor = (data: Float32Array, batch: number) =>
    new ort.Tensor('float32', data, [batch, data.length / batch / embedding.hidden, embedding.hidden]);
  const quantized = isQuantized(graphs.model) || isQuantized(graphs.encoder) || isQuantized(graphs.decoder);
  /** the graph gradients are taken of: the surrogate of an int8 graph, else the graph itself */
  const differentiated = (m: ModelProto) => (quantized ? (dequantizedSurrogate(m) ?? m) : m);
  const targetOut = (out: Record<string, OrtTensor>) => out[TARGET].data as Float32Array;

  if (graphs.model) {
    const model = graphs.model;
    const plain = once(() => appendTarget(withInputsEmbeds(model), kind));
    const diffd = once(() =>
      quantized ? appendTarget(withInputsEmbeds(differentiated(model)), kind) : plain(),
    );
    const fwd = lazy(factory, plain);
    const grad = lazy(factory, () => gradientModel(diffd(), { wrt: [INPUTS_EMBEDS], target: TARGET }));
    const feeds = (
      s: Session,
      embeds: Float32Array,
      batch: number,
      input: AttributionInput,
      target: TargetSpec,
    ) =>
      batchFeeds(feedCtx, s.inputNames, input.ids, batch, {
        [INPUTS_EMBEDS]: tensor(embeds, batch),
        ...targetFeeds(ort, target, s.inputNames),
      });
    const valuesOf = async (s: Session, ...a: Parameters<Run<unknown>>) =>
      targetOut(await s.run(feeds(s, ...a), [TARGET]));
    const plainSeparable = once(() => isBatchSeparable(plain()));
    const diffSeparable = once(() => isBatchSeparable(diffd()));
    return separated(
      {
        // An fp32 gradient model computes the same target: use it when open, to hold one session, not two.
        forward: async (...a) =>
          valuesOf(await (!quantized && grad.opened && !fwd.opened ? grad() : fwd()), ...a),
        surrogate: quantized ? async (...a) => valuesOf(await grad(), ...a) : undefined,
        async gradient(...a) {
          const s = await grad();
          const out = await s.run(feeds(s, ...a));
          return { values: targetOut(out), grads: out[gradName(INPUTS_EMBEDS)].data as Float32Array };
        },
      },
      plainSeparable,
      diffSeparable,
    );
  }

  if (!graphs.encoder || !graphs.decoder)
    throw new Error('differentiable: give a model graph, or encoder and decoder graphs');
  const { encoder, decoder } = graphs;
  const plainEncoder = once(() => withInputsEmbeds(encoder));
  const diffEncoder = once(() => (quantized ? withInputsEmbeds(differentiated(encoder)) : plainEncoder()));
  const plainDecoder = once(() => appendTarget(withInputsEmbeds(decoder), kind));
  const diffDecoder = once(() =>
    quantized ? appendTarget(withInputsEmbeds(differentiated(decoder)), kind) : plainDecoder(),
  );
  const enc = lazy(factory, plainEncoder);
  const dec = lazy(factory, plainDecoder);
  // Encoder and decoder chained into one graph, its gradient taken through both in one run.
  const grad = lazy(factory, () =>
    gradientModel(
      chainGraphs(diffEncoder(), diffDecoder(), {
        links: { [ENCODER_STATES]: ENCODER_OUTPUT },
        prefix: DECODER,
        keep: [TARGET],
      }),
      { wrt: [INPUTS_EMBEDS], target: TARGET },
    ),
  );

  const decoderIds = (input: AttributionInput) => {
    if (!input.decoderIds?.length)
      throw new Error('an encoder-decoder attribution needs the decoder ids (start token first)');
    return input.decoderIds;
  };
  const encoderFeeds = (
    inputNames: readonly string[],
    embeds: Float32Array,
    batch: number,
    input: AttributionInput,
  ) => batchFeeds(feedCtx, inputNames, input.ids, batch, { [INPUTS_EMBEDS]: tensor(embeds, batch) });
  const decoderFeeds = (
    inputNames: readonly string[],
    states: OrtTensor | undefined,
    batch: number,
    input: AttributionInput,
    target: TargetSpec,
  ) => {
    const ids = decoderIds(input);
    const mask = new ort.Tensor('int64', new BigInt64Array(batch * input.ids.length).fill(1n), [
      batch,
      input.ids.length,
    ]);
    const own = new Float32Array(batch * ids.length * embedding.hidden);
    const one = embed(embedding, ids);
    for (let b = 0; b < batch; b++) own.set(one, b * one.length);
    return batchFeeds(feedCtx, inputNames, ids, batch, {
      ...(states ? { [ENCODER_STATES]: states } : {}),
      encoder_attention_mask: mask,
      [INPUTS_EMBEDS]: tensor(own, batch),
      ...targetFeeds(ort, target, inputNames),
    });
  };
  /** The chained graph's feeds: the encoder's inputs as they are, the decoder's under DECODER. */
  const chainedFeeds = (
    s: Session,
    embeds: Float32Array,
    batch: number,
    input: AttributionInput,
    target: TargetSpec,
  ) => {
    const own = s.inputNames.filter((n) => !n.startsWith(DECODER));
    const theirs = s.inputNames.filter((n) => n.startsWith(DECODER)).map((n) => n.slice(DECODER.length));
    const d = decoderFeeds(theirs, undefined, batch, input, target);
    return {
      ...encoderFeeds(own, embeds, batch, input),
      ...Object.fromEntries(Object.entries(d).map(([k, v]) => [DECODER + k, v])),
    };
  };
  /** The model as it is: the encoder, then the decoder on its states. */
  const twoGraphs: Run<Float32Array> = async (embeds, batch, input, target) => {
    const e = await enc();
    const states = (await e.run(encoderFeeds(e.inputNames, embeds, batch, input), [ENCODER_OUTPUT]))[
      ENCODER_OUTPUT
    ];
    const d = await dec();
    return targetOut(await d.run(decoderFeeds(d.inputNames, states, batch, input, target), [TARGET]));
  };
  const chained: Run<Float32Array> = async (embeds, batch, input, target) => {
    const s = await grad();
    return targetOut(await s.run(chainedFeeds(s, embeds, batch, input, target), [TARGET]));
  };
  const plainSeparable = once(() => isBatchSeparable(plainEncoder()) && isBatchSeparable(plainDecoder()));
  const diffSeparable = once(() => isBatchSeparable(diffEncoder()) && isBatchSeparable(diffDecoder()));
  return separated(
    {
      // An fp32 gradient model computes the same target: use it when open, to hold one session, not two.
      forward: (...a) => (!quantized && grad.opened && !dec.opened ? chained(...a) : twoGraphs(...a)),
      surrogate: quantized ? chained : undefined,
      async gradient(embeds, batch, input, target) {
        const s = await grad();
        const out = await s.run(chainedFeeds(s, embeds, batch, input, target));
        return { values: targetOut(out), grads: out[gradName(INPUTS_EMBEDS)].data as Float32Array };
      },
    },
    plainSeparable,
    diffSeparable,
  );
}
