/**
 * The model as a function whose run returns, besides the target, every self-attention matrix A and
 * the target's gradient with respect to it, ∂f/∂A: what attention × gradient needs. Built like the
 * gradient program (inputs_embeds, target head, dequantized surrogate for int8) with the attention
 * Softmax outputs exposed and their gradients read from the backward graph (`also`).
 */
import { dequantizedSurrogate } from '../../onnx/autodiff/dequantize.js';
import { gradientModel, gradName } from '../../onnx/autodiff/index.js';
import { exposeAttentionInPlace } from '../../onnx/expose-attention.js';
import { INPUTS_EMBEDS, withInputsEmbeds } from '../../onnx/inputs-embeds.js';
import { encodeModel, type ModelProto } from '../../onnx/proto.js';
import type { FeedContext } from '../../runtime/feeds.js';
import type { Session, SessionFactory } from '../../runtime/session.js';
import { appendTarget, TARGET, type TargetKind, type TargetSpec, targetFeeds } from '../targets.js';
import { batchFeeds } from './batch-feeds.js';

export interface LayerAttention {
  layer: number;
  heads: number;
  /** tokens (rows = cols) */
  n: number;
  /** A [heads, n, n] */
  probs: Float32Array;
  /** ∂f/∂A [heads, n, n] */
  grads: Float32Array;
}

export type AttentionGradients = (
  embeds: Float32Array,
  ids: number[],
  target: TargetSpec,
) => Promise<{
  value: number;
  layers: LayerAttention[];
}>;

export class AttentionGradientError extends Error {
  readonly code = 'method_not_supported';
}

export function attentionGradients(
  model: ModelProto,
  stack: 'encoder' | 'decoder',
  kind: TargetKind,
  factory: SessionFactory,
  feedCtx: FeedContext,
  hidden: number,
): AttentionGradients {
  let session: Promise<Session> | undefined;
  let layers: { output: string; layer: number }[] = [];
  let softmaxOuts: string[] = [];
  const open = () => {
    session ??= (() => {
      const quantized = model.graph?.node?.some((n) => n.opType === 'MatMulInteger');
      const m = appendTarget(
        withInputsEmbeds(quantized ? (dequantizedSurrogate(model) ?? model) : model),
        kind,
      );
      const attention = exposeAttentionInPlace(m, { stack }).filter((a) => a.kind === 'self');
      const byName = new Map((m.graph!.node ?? []).map((n) => [n.name, n]));
      softmaxOuts = attention.map((a) => byName.get(a.node)!.output![0]);
      layers = attention.map((a) => ({ output: a.output, layer: a.layer }));
      const g = gradientModel(m, {
        wrt: [INPUTS_EMBEDS],
        target: TARGET,
        keep: attention.map((a) => a.output),
        also: softmaxOuts,
      });
      return factory.create(encodeModel(g));
    })();
    return session;
  };
  return async (embeds, ids, target) => {
    const s = await open();
    const { ort } = factory;
    const x = new ort.Tensor('float32', embeds, [1, ids.length, hidden]);
    const out = await s.run(
      batchFeeds(feedCtx, s.inputNames, ids, 1, {
        [INPUTS_EMBEDS]: x,
        ...targetFeeds(ort, target, s.inputNames),
      }),
    );
    return {
      value: (out[TARGET].data as Float32Array)[0],
      layers: layers.map((l, i) => {
        const a = out[l.output];
        return {
          layer: l.layer,
          heads: a.dims[1],
          n: a.dims[2],
          probs: a.data as Float32Array,
          grads: out[gradName(softmaxOuts[i])].data as Float32Array,
        };
      }),
    };
  };
}
