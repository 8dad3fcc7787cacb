/**
 * The dequantized surrogate of an int8 model: every quantized MatMul pattern replaced by a float
 * MatMul with the dequantized weight, MatMul(A, (W_q − zero_point) · scale). It is the
 * function whose gradient the int8 gradient model computes (see rules/quant.ts), so integrated
 * gradients can check their completeness against it as well as against the int8 model itself.
 */
import { node } from '../builder.js';
import { GraphIndex } from '../graph-index.js';
import { DataType, decodeModel, encodeModel, type ModelProto, type NodeProto } from '../proto.js';
import { findQuantizedMatMuls } from './quant-pattern.js';
import { dequantizeWeight } from './rules/quant.js';

/** The surrogate, or undefined when the model has no int8 MatMul. */
export function dequantizedSurrogate(model: ModelProto): ModelProto | undefined {
  const out = decodeModel(encodeModel(model));
  const graph = out.graph!;
  const idx = new GraphIndex(graph);
  const found = findQuantizedMatMuls(idx, graph.node ?? []);
  if (found.size === 0) return undefined;
  const replaced = new Set([...found.values()].flatMap((m) => m.replaced));
  const nodes: NodeProto[] = [];
  for (const n of graph.node ?? []) {
    const m = found.get(n);
    if (m) {
      const [a, wq, scale, zp] = m.node.input!;
      const y = m.node.output![0];
      let k = 0;
      const op = (type: string, inputs: string[], attrs: Record<string, number> = {}) => {
        const out = `${y}/dequantize/${type}_${k++}`;
        nodes.push(node(type, inputs, [out], attrs, out));
        return out;
      };
      const w = dequantizeWeight(op, wq, scale, zp || undefined, DataType.FLOAT);
      nodes.push(node('MatMul', [a, w], [y], {}, `${m.node.name}/dequantized`));
    } else if (!replaced.has(n)) nodes.push(n);
  }
  // DynamicQuantizeLinear nodes that fed only the replaced patterns go too.
  const used = new Set(nodes.flatMap((n) => n.input ?? []));
  for (const o of graph.output ?? []) used.add(o.name!);
  graph.node = nodes.filter(
    (n) => n.opType !== 'DynamicQuantizeLinear' || n.output!.some((o) => used.has(o)),
  );
  return out;
}
