/**
 * Finds the int8 pattern of dynamic quantization (onnxruntime's quantize_dynamic, QOperator format,
 * and ../quantize.ts):
 *
 *   (A_q, A_scale, A_zp) = DynamicQuantizeLinear(A)
 *   Y = Mul(Cast(MatMulInteger(A_q, W_q, A_zp, W_zp)), Mul(A_scale, W_scale))
 *
 * and replaces its nodes, in the graph the backward pass walks, by one DequantizedMatMul(A, W_q,
 * W_scale, W_zp) → Y node, whose rule differentiates A·dequantize(W). The forward graph that runs is
 * left as it is.
 */
import type { GraphIndex } from '../graph-index.js';
import type { NodeProto } from '../proto.js';
import { AUTODIFF_DOMAIN, DEQUANTIZED_MATMUL } from './rules/quant.js';

function match(idx: GraphIndex, mul: NodeProto): QuantizedMatMul | undefined {
  if (mul.opType !== 'Mul' || (mul.input ?? []).length !== 2) return undefined;
  for (const [ci, si] of [
    [0, 1],
    [1, 0],
  ]) {
    const cast = idx.producer.get(mul.input![ci]);
    const scales = idx.producer.get(mul.input![si]);
    if (cast?.opType !== 'Cast' || scales?.opType !== 'Mul') continue;
    const mmi = idx.producer.get(cast.input![0]);
    if (mmi?.opType !== 'MatMulInteger') continue;
    const dql = idx.producer.get(mmi.input![0]);
    if (dql?.opType !== 'DynamicQuantizeLinear' || mmi.input![2] !== dql.output![2]) continue;
    const aScale = dql.output![1];
    const s = scales.input!;
    if (!s.includes(aScale)) continue;
    const wScale = s[0] === aScale ? s[1] : s[0];
    const [wq, wzp] = [mmi.input![1], mmi.input![3] ?? ''];
    if (!idx.initializers.has(wq) || !idx.initializers.has(wScale)) continue;
    const node: NodeProto = {
      opType: DEQUANTIZED_MATMUL,
      domain: AUTODIFF_DOMAIN,
      name: mul.name || mul.output![0],
      input: [dql.input![0], wq, wScale, wzp],
      output: [mul.output![0]],
    };
    return { node, replaced: [mmi, cast, scales, mul] };
  }
  return undefined;
}

export interface QuantizedMatMul {
  /** the DequantizedMatMul(A, W_q, W_scale, W_zp) → Y node standing for the pattern */
  node: NodeProto;
  /** the pattern's nodes, ending with the final Mul (DynamicQuantizeLinear is shared, not included) */
  replaced: NodeProto[];
}

export function findQuantizedMatMuls(idx: GraphIndex, nodes: NodeProto[]): Map<NodeProto, QuantizedMatMul> {
  const found = new Map<NodeProto, QuantizedMatMul>();
  for (const n of nodes) {
    const m = match(idx, n);
    if (m) found.set(n, m);
  }
  return found;
}

/** The nodes the backward pass differentiates: the graph's, with int8 MatMul patterns fused. */
export function gradientView(idx: GraphIndex, nodes: NodeProto[]): NodeProto[] {
  const fused = findQuantizedMatMuls(idx, nodes);
  const replaced = new Set([...fused.values()].flatMap((m) => m.replaced));
  return nodes.flatMap((n) => (fused.has(n) ? [fused.get(n)!.node] : replaced.has(n) ? [] : [n]));
}
