/**
 * Whether a graph treats the examples of a batch independently. Explanations batch many inputs
 * (interpolation steps, noisy copies, occlusions, padded sentences) along axis 0 and read each one's
 * result as if it had run alone; that holds only if no op mixes examples. Ops that do:
 *
 * - DynamicQuantizeLinear: one scale and zero point from the min/max of the whole tensor, batch
 *   included (onnxruntime's `quantize_dynamic` puts one before every MatMulInteger), so an example's
 *   int8 activations depend on its batch-mates;
 * - reductions whose axes include axis 0, or all axes (Reduce*, ArgMax/ArgMin, Softmax-like ops,
 *   CumSum, TopK, LayerNormalization from axis 0, MeanVarianceNormalization), and BatchNormalization
 *   in training mode.
 *
 * Axis 0 is taken as the batch axis of every tensor (a reshape to [B·heads, …] keeps it first). Where a
 * negative axis meets an unknown rank, the node counts as coupling: a false alarm only costs speed
 * (examples run one at a time), a miss would cost correctness. Subgraphs (If, Loop) are not searched.
 */

import { attrInt, attrInts } from './autodiff/attributes.js';
import { ShapeInfo } from './autodiff/shapes.js';
import type { ModelProto, NodeProto } from './proto.js';

const REDUCE = new Set([
  'ReduceSum',
  'ReduceMean',
  'ReduceMax',
  'ReduceMin',
  'ReduceProd',
  'ReduceL1',
  'ReduceL2',
  'ReduceLogSum',
  'ReduceLogSumExp',
  'ReduceSumSquare',
]);
/** ops with one `axis` attribute and the default it has from opset 13 on */
const ONE_AXIS: Record<string, number> = {
  Softmax: -1,
  LogSoftmax: -1,
  Hardmax: -1,
  ArgMax: 0,
  ArgMin: 0,
  TopK: -1,
  LpNormalization: -1,
  LayerNormalization: -1,
};

/** Names (or op types, for unnamed nodes) of the nodes that mix examples; empty when none does. */
export function batchCoupling(model: ModelProto): string[] {
  const graph = model.graph;
  if (!graph) return [];
  const opset = Number(
    (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0,
  );
  let info: ShapeInfo | undefined;
  const shapes = () => {
    info ??= new ShapeInfo(graph, opset);
    return info;
  };
  /** whether `axis` of tensor `t` may be axis 0 */
  const isFirst = (t: string, axis: number) => {
    if (axis >= 0) return axis === 0;
    const rank = shapes().rank(t);
    return rank === undefined || axis + rank <= 0;
  };
  const coupling = (n: NodeProto): boolean => {
    const op = n.opType ?? '';
    const x = n.input?.[0] ?? '';
    if (op === 'DynamicQuantizeLinear') return true;
    if (op === 'BatchNormalization') return attrInt(n, 'training_mode', 0) === 1;
    if (op === 'MeanVarianceNormalization')
      return (attrInts(n, 'axes') ?? [0, 2, 3]).some((a) => isFirst(x, a));
    if (REDUCE.has(op)) {
      const axes = shapes().axesOf(n);
      if (axes === undefined && n.input?.[1]) return true; // axes computed at run time
      if (!axes || axes.length === 0) return attrInt(n, 'noop_with_empty_axes', 0) === 0;
      return axes.some((a) => isFirst(x, a));
    }
    if (op === 'CumSum') {
      const axis = shapes().constInts(n.input?.[1]);
      return !axis || isFirst(x, axis[0]);
    }
    if (op in ONE_AXIS) {
      // Softmax-like ops before opset 13 default to axis 1 (flattening the rest): per example.
      const fallback = opset < 13 && op.endsWith('max') && !op.startsWith('Arg') ? 1 : ONE_AXIS[op];
      return isFirst(x, attrInt(n, 'axis', fallback));
    }
    return false;
  };
  return (graph.node ?? []).filter(coupling).map((n) => n.name || n.opType || '?');
}

/** True when each example of a batch gets exactly what it would get alone (see batchCoupling). */
export const isBatchSeparable = (model: ModelProto) => batchCoupling(model).length === 0;
