/**
 * The model as a differentiable function of its input embeddings: for a batch of B embeddings
 * [B, tokens, hidden] of one input, the target's value per example and its gradient. Built from the
 * model's graphs by three rewrites: `withInputsEmbeds`, `appendTarget`, `gradientModel`.
 *
 * Encoder-decoder models chain two graphs: the decoder's gradient model returns the gradient with
 * respect to `encoder_hidden_states`, which an encoder model with a cotangent input (a vector-Jacobian
 * product) carries back to the source embeddings. The decoder's own tokens are fixed (forced decoding).
 *
 * Sessions are opened lazily: a forward-only method (occlusion) never builds a gradient model, so it
 * still works for a model with an operator the autodiff refuses.
 */
import { gradientModel, gradName } from '../../onnx/autodiff/index.js';
import { type EmbeddingMatrix, embed, INPUTS_EMBEDS, withInputsEmbeds } from '../../onnx/inputs-embeds.js';
import { encodeModel, type ModelProto } from '../../onnx/proto.js';
import type { FeedContext } from '../../runtime/feeds.js';
import type { Feeds, OrtTensor, Session, SessionFactory } from '../../runtime/session.js';
import { appendTarget, TARGET, type TargetKind, type TargetSpec, targetFeeds } from '../targets.js';
import { batchFeeds } from './batch-feeds.js';
import type { AttributionInput } from './types.js';

export interface GradientBatch {
  /** target per example [B] */
  values: Float32Array;
  /** d target / d embeddings [B · tokens · hidden] */
  grads: Float32Array;
}

export interface DifferentiableModel {
  forward(
    embeds: Float32Array,
    batch: number,
    input: AttributionInput,
    target: TargetSpec,
  ): Promise<Float32Array>;
  gradient(
    embeds: Float32Array,
    batch: number,
    input: AttributionInput,
    target: TargetSpec,
  ): Promise<GradientBatch>;
}

export interface Graphs {
  model?: ModelProto;
  encoder?: ModelProto;
  decoder?: ModelProto;
}

const ENCODER_STATES = 'encoder_hidden_states';
const ENCODER_OUTPUT = 'last_hidden_state';

/** Opens a session on first use. */
function lazy(factory: SessionFactory, build: () => ModelProto): () => Promise<Session> {
  let session: Promise<Session> | undefined;
  return () => {
    session ??= factory.create(encodeModel(build()));
    return session;
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

  if (graphs.model) {
    const model = graphs.model;
    let withTarget: ModelProto | undefined;
    const forwardModel = () => {
      withTarget ??= appendTarget(withInputsEmbeds(model), kind);
      return withTarget;
    };
    const fwd = lazy(factory, forwardModel);
    const grad = lazy(factory, () => gradientModel(forwardModel(), { wrt: [INPUTS_EMBEDS], target: TARGET }));
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
    return {
      async forward(embeds, batch, input, target) {
        const s = await fwd();
        return (await s.run(feeds(s, embeds, batch, input, target), [TARGET]))[TARGET].data as Float32Array;
      },
      async gradient(embeds, batch, input, target) {
        const s = await grad();
        const out = await s.run(feeds(s, embeds, batch, input, target));
        return {
          values: out[TARGET].data as Float32Array,
          grads: out[gradName(INPUTS_EMBEDS)].data as Float32Array,
        };
      },
    };
  }

  if (!graphs.encoder || !graphs.decoder)
    throw new Error('differentiable: give a model graph, or encoder and decoder graphs');
  const encoderGraph = withInputsEmbeds(graphs.encoder);
  const decoderGraph = graphs.decoder;
  let decoderTarget: ModelProto | undefined;
  const decoderModel = () => {
    decoderTarget ??= appendTarget(withInputsEmbeds(decoderGraph), kind);
    return decoderTarget;
  };
  const enc = lazy(factory, () => encoderGraph);
  const cotangent = gradName(ENCODER_OUTPUT);
  const encVjp = lazy(factory, () =>
    gradientModel(encoderGraph, { wrt: [INPUTS_EMBEDS], cotangents: { [ENCODER_OUTPUT]: cotangent } }),
  );
  const dec = lazy(factory, decoderModel);
  const decGrad = lazy(factory, () =>
    gradientModel(decoderModel(), { wrt: [ENCODER_STATES, INPUTS_EMBEDS], target: TARGET }),
  );

  const decoderIds = (input: AttributionInput) => {
    if (!input.decoderIds?.length)
      throw new Error('an encoder-decoder attribution needs the decoder ids (start token first)');
    return input.decoderIds;
  };
  const encoderFeeds = (
    s: Session,
    embeds: Float32Array,
    batch: number,
    input: AttributionInput,
    extra: Feeds = {},
  ) =>
    batchFeeds(feedCtx, s.inputNames, input.ids, batch, { [INPUTS_EMBEDS]: tensor(embeds, batch), ...extra });
  const decoderFeeds = (
    s: Session,
    states: OrtTensor,
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
    return batchFeeds(feedCtx, s.inputNames, ids, batch, {
      [ENCODER_STATES]: states,
      encoder_attention_mask: mask,
      [INPUTS_EMBEDS]: tensor(own, batch),
      ...targetFeeds(ort, target, s.inputNames),
    });
  };
  const encode = async (embeds: Float32Array, batch: number, input: AttributionInput) => {
    const s = await enc();
    return (await s.run(encoderFeeds(s, embeds, batch, input), [ENCODER_OUTPUT]))[ENCODER_OUTPUT];
  };
  return {
    async forward(embeds, batch, input, target) {
      const states = await encode(embeds, batch, input);
      const s = await dec();
      return (await s.run(decoderFeeds(s, states, batch, input, target), [TARGET]))[TARGET]
        .data as Float32Array;
    },
    async gradient(embeds, batch, input, target) {
      const states = await encode(embeds, batch, input);
      const d = await decGrad();
      const out = await d.run(decoderFeeds(d, states, batch, input, target));
      const v = await encVjp();
      const back = await v.run(
        encoderFeeds(v, embeds, batch, input, { [cotangent]: out[gradName(ENCODER_STATES)] }),
      );
      return {
        values: out[TARGET].data as Float32Array,
        grads: back[gradName(INPUTS_EMBEDS)].data as Float32Array,
      };
    },
  };
}
