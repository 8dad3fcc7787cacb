/**
 * Exposes what context-mixing analyses (norm-based attention, ALTI) need beyond the attention
 * probabilities, for each attention block found by expose-attention:
 *
 * - `values.{prefix}.{layer}`: the value vectors, the second operand of the probabilities' ·V MatMul
 *   ([b, heads, keys, headDim], or [b·heads, keys, headDim] as some exporters lay it out);
 * - `mix_skip.{prefix}.{layer}`: the residual stream the block adds its output to (its query side);
 * - `mix_sum.{prefix}.{layer}`: that residual Add's output, whose statistics a post-LN LayerNorm uses;
 *
 * and reads from the initializers the output projection W_O [heads·headDim, hidden] (fp32 MatMul; the
 * int8 graphs' MatMulInteger weights dequantized) and, where the residual sum feeds a
 * LayerNormalization (post-LN), its γ and ε. Outputs are Identity copies, so results never change.
 */
import { node } from './builder.js';
import type { AttentionOutput } from './expose-attention.js';
import { GraphIndex } from './graph-index.js';
import { DataType, type ModelProto, type NodeProto, type TensorProto } from './proto.js';
import { readFloat32 } from './tensor-data.js';

export class ValuesNotExposableError extends Error {
  readonly code = 'values_not_exposable';
}

export interface MixingOutput {
  attention: AttentionOutput;
  values: string;
  skip: string;
  sum: string;
  /** output projection, row-major [heads·headDim, hidden] */
  wO: Float32Array;
  hidden: number;
  /** post-LN: the LayerNorm right after the residual Add */
  layerNorm?: { gamma: Float32Array; epsilon: number };
}

const PROBS_PATH = ['Cast', 'Identity', 'Dropout', 'Reshape'];
/** Between the ·V product and the output projection: head merge. */
const MERGE_PATH = ['Transpose', 'Reshape', 'Identity', 'Cast'];
/** Between the output projection and the residual Add: bias, int8 rescaling, dropout. */
const PROJ_PATH = ['Add', 'Mul', 'Cast', 'Identity', 'Dropout'];

function only(idx: GraphIndex, t: string): NodeProto | undefined {
  // the Identity copies that this and the other rewrites add as outputs are not part of the path
  const c = (idx.consumers.get(t) ?? []).filter((n) => !(n.name ?? '').endsWith('/expose'));
  return c.length === 1 ? c[0] : undefined;
}

function initializer(model: ModelProto, name: string): TensorProto | undefined {
  return (model.graph!.initializer ?? []).find((t) => t.name === name);
}

/** uint8/int8 raw data as numbers. */
function readInts(t: TensorProto): number[] {
  const raw = t.rawData ?? new Uint8Array();
  if (t.dataType === DataType.UINT8) return Array.from(raw);
  if (t.dataType === DataType.INT8)
    return Array.from(new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength));
  if (t.int32Data) return t.int32Data.map(Number);
  throw new Error(`tensor ${t.name}: expected 8-bit integers`);
}

/** W_O of the projection node reached from the merged context, and the tensor it outputs. */
function projection(
  model: ModelProto,
  idx: GraphIndex,
  merged: string,
): { w: Float32Array; out: string; cols: number } {
  const n = only(idx, merged);
  if (n?.opType === 'MatMul') {
    const w = initializer(model, n.input![1]);
    if (w) return { w: readFloat32(w), out: n.output![0], cols: Number(w.dims![1]) };
  }
  if (n?.opType === 'DynamicQuantizeLinear') {
    const mm = (idx.consumers.get(n.output![0]) ?? []).find((c) => c.opType === 'MatMulInteger');
    const q = mm && initializer(model, mm.input![1]);
    const zp = mm && initializer(model, mm.input![3]);
    // the Cast → Mul(·, A_scale·W_scale) after MatMulInteger; W_scale is the initializer operand
    const cast = mm && only(idx, mm.output![0]);
    const mul = cast && only(idx, cast.output![0]);
    const scales = mul && idx.producer.get(mul.input!.find((i) => i !== cast!.output![0])!);
    const sName = scales?.input?.find((i) => initializer(model, i));
    if (q && zp && mul && sName) {
      const qs = readInts(q);
      const z = readInts(zp);
      const s = readFloat32(initializer(model, sName)!);
      const cols = Number(q.dims![1]);
      const w = new Float32Array(qs.length);
      for (let i = 0; i < qs.length; i++) {
        const c = i % cols;
        w[i] = (qs[i] - z[z.length === 1 ? 0 : c]) * s[s.length === 1 ? 0 : c];
      }
      return { w, out: mul.output![0], cols };
    }
  }
  throw new ValuesNotExposableError(`no output projection (MatMul with a weight) after "${merged}"`);
}

/** Adds the outputs above for each attention block (mutates `model`). */
export function exposeValuesInPlace(model: ModelProto, attention: AttentionOutput[]): MixingOutput[] {
  const graph = model.graph!;
  const idx = new GraphIndex(graph);
  const byName = new Map((graph.node ?? []).map((n) => [n.name ?? '', n]));
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  const expose = (tensor: string, output: string) => {
    if (existing.has(output)) return;
    graph.node!.push(node('Identity', [tensor], [output], {}, `${output}/expose`));
    graph.output!.push({ name: output, type: { tensorType: { elemType: DataType.FLOAT } } });
  };
  return attention.map((a) => {
    const sm = byName.get(a.node);
    if (!sm) throw new ValuesNotExposableError(`attention node "${a.node}" not found`);
    let t = sm.output![0];
    let pv: NodeProto | undefined;
    for (let hop = 0; hop < 4; hop++) {
      const c = only(idx, t);
      if (c?.opType === 'MatMul' && c.input![0] === t) pv = c;
      if (!c || pv || !PROBS_PATH.includes(c.opType!)) break;
      t = c.output![0];
    }
    if (!pv) throw new ValuesNotExposableError(`no ·V MatMul after "${a.node}"`);
    let merged = pv.output![0];
    for (let c = only(idx, merged); c && MERGE_PATH.includes(c.opType!); c = only(idx, merged))
      merged = c.output![0];
    const { w, out, cols } = projection(model, idx, merged);
    // walk to the residual Add: the first Add whose other operand is computed (not a bias)
    let cur = out;
    let residual: { add: NodeProto; skip: string } | undefined;
    for (let hop = 0; hop < 6 && !residual; hop++) {
      const c = only(idx, cur);
      if (!c || !PROJ_PATH.includes(c.opType!)) break;
      const other = c.input!.find((i) => i !== cur);
      if (c.opType === 'Add' && other && !idx.isConstant(other)) residual = { add: c, skip: other };
      cur = c.output![0];
    }
    if (!residual) throw new ValuesNotExposableError(`no residual Add after the projection of "${a.node}"`);
    const sum = residual.add.output![0];
    // post-LN: the LayerNorm is the sum's only consumer (pre-LN sums also feed the next residual Add)
    const next = only(idx, sum);
    const ln = next?.opType === 'LayerNormalization' ? next : undefined;
    const gamma = ln && initializer(model, ln.input![1]);
    const eps = ln?.attribute?.find((x) => x.name === 'epsilon')?.f ?? 1e-5;
    const hidden = cols;
    const suffix = a.output;
    const names = { values: `values.${suffix}`, skip: `mix_skip.${suffix}`, sum: `mix_sum.${suffix}` };
    expose(pv.input![1], names.values);
    expose(residual.skip, names.skip);
    expose(sum, names.sum);
    return {
      attention: a,
      ...names,
      wO: w,
      hidden,
      ...(gamma ? { layerNorm: { gamma: readFloat32(gamma), epsilon: eps } } : {}),
    };
  });
}
