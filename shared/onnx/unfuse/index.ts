/**
 * Rewrites onnxruntime's fused contrib operators (what ORT-optimized transformers.js / Optimum
 * exports contain) into primitive ONNX ops, so that attention exposure, every analysis and the
 * gradient rules see the graph they know. One file per operator; each replaces one node by
 * equivalent nodes writing the same output names, in place, so the graph stays topologically sorted.
 *
 * A node that cannot be rewritten stays as it is and its `UnfuseNotSupportedError` is returned:
 * forward-only work (occlusion) still runs it, and what it blocks (attention, gradients) says why.
 */
import { ShapeInfo } from '../autodiff/shapes.js';
import { decodeModel, encodeModel, type ModelProto, type NodeProto } from '../proto.js';
import { attention } from './attention.js';
import { biasAdd } from './bias-add.js';
import { Emitter, opName, UnfuseNotSupportedError } from './emitter.js';
import { fastGelu, gelu } from './gelu.js';
import { matMulNBits } from './matmul-nbits.js';
import { multiHeadAttention } from './multi-head-attention.js';
import { rotaryEmbedding } from './rotary-embedding.js';
import { simplifiedLayerNormalization } from './simplified-layer-norm.js';
import { skipLayerNormalization } from './skip-layer-norm.js';
import { skipSimplifiedLayerNormalization } from './skip-simplified-layer-norm.js';

export { UnfuseNotSupportedError };

type Rewrite = (e: Emitter) => void;

const MS = 'com.microsoft';
const REWRITES: ReadonlyMap<string, Rewrite> = new Map([
  [`${MS}.Attention`, attention],
  [`${MS}.MultiHeadAttention`, multiHeadAttention],
  [`${MS}.SkipLayerNormalization`, skipLayerNormalization],
  [`${MS}.SkipSimplifiedLayerNormalization`, skipSimplifiedLayerNormalization],
  [`${MS}.SimplifiedLayerNormalization`, simplifiedLayerNormalization],
  ['ai.onnx.SimplifiedLayerNormalization', simplifiedLayerNormalization],
  [`${MS}.FastGelu`, fastGelu],
  [`${MS}.BiasGelu`, gelu],
  [`${MS}.Gelu`, gelu],
  [`${MS}.BiasAdd`, biasAdd],
  [`${MS}.MatMulNBits`, matMulNBits],
  [`${MS}.RotaryEmbedding`, rotaryEmbedding],
]);

/** Ops of other domains than the default one (ORT's contrib ops), plus SimplifiedLayerNormalization. */
const isFused = (n: NodeProto) =>
  (!!n.domain && n.domain !== 'ai.onnx') || n.opType === 'SimplifiedLayerNormalization';

/** The fused operators a model holds (`domain.OpType`), each once. */
export function fusedOps(model: ModelProto): string[] {
  return [...new Set((model.graph?.node ?? []).filter(isFused).map(opName))];
}

export interface UnfuseReport {
  /** `domain.OpType` → nodes rewritten */
  rewritten: Record<string, number>;
  /** nodes left as they are, each with why */
  refused: UnfuseNotSupportedError[];
  nodesBefore: number;
  nodesAfter: number;
}

/** Rewrites every fused node it can (mutates `model`). */
export function unfuseInPlace(model: ModelProto): UnfuseReport {
  const graph = model.graph!;
  const opset = Number(
    (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0,
  );
  const before = graph.node ?? [];
  const report: UnfuseReport = { rewritten: {}, refused: [], nodesBefore: before.length, nodesAfter: 0 };
  const constants = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const out: NodeProto[] = [];
  const replacedInputs = new Set<string>();
  for (const n of before) {
    const rewrite = isFused(n) ? REWRITES.get(opName(n)) : undefined;
    if (!isFused(n)) {
      out.push(n);
      continue;
    }
    try {
      if (!rewrite)
        throw new UnfuseNotSupportedError(opName(n), n.name ?? '', 'no rewrite for this operator');
      if (opset < 13)
        throw new UnfuseNotSupportedError(opName(n), n.name ?? '', `opset ${opset} (13 or later needed)`);
      // Shapes of what precedes this node, rewrites included (a later layer's input is an earlier rewrite's output).
      const shapes = new ShapeInfo({ ...graph, node: out, initializer: [...constants.values()] }, opset);
      const e = new Emitter(n, opset, shapes, constants);
      rewrite(e);
      out.push(...e.nodes);
      for (const t of e.initializers) constants.set(t.name!, t);
      for (const i of n.input ?? []) if (i) replacedInputs.add(i);
      report.rewritten[opName(n)] = (report.rewritten[opName(n)] ?? 0) + 1;
    } catch (err) {
      if (!(err instanceof UnfuseNotSupportedError)) throw err;
      report.refused.push(err);
      out.push(n);
    }
  }
  // Initializers only the rewritten nodes read (MatMulNBits' packed weights) go.
  const used = new Set([...out.flatMap((n) => n.input ?? []), ...(graph.output ?? []).map((o) => o.name!)]);
  graph.initializer = [...constants.values()].filter(
    (t) => used.has(t.name!) || !replacedInputs.has(t.name!),
  );
  graph.node = out;
  report.nodesAfter = out.length;
  return report;
}

/** Bytes in, bytes out; the bytes are returned as they are when the model has no fused op. */
export function unfuse(bytes: Uint8Array): { bytes: Uint8Array; report?: UnfuseReport } {
  const model = decodeModel(bytes);
  if (fusedOps(model).length === 0) return { bytes };
  const report = unfuseInPlace(model);
  return { bytes: encodeModel(model), report };
}
