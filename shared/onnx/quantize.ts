/**
 * Int8 quantization of the MatMul weights, in one of two modes.
 *
 * 'dynamic' (default): dynamic int8 quantization in the pattern of the `model_quantized.onnx` files that transformers.js
 * loads (onnxruntime's `quantize_dynamic`, QOperator format): every MatMul whose second input is a
 * 2-D float initializer W becomes
 *
 *   A ─DynamicQuantizeLinear→ (A_q, A_scale, A_zp)
 *   MatMulInteger(A_q, W_q, A_zp, W_zp) ─Cast(float)→ · Mul(A_scale·W_scale) → original output name
 *
 * Everything else (Gather of embeddings, Softmax, graph inputs and outputs) is left as it is, so the
 * attention probabilities and the embedding lookup stay float and keep their names.
 *
 * 'weights' (weight-only, W8A32): every such W is stored as int8 and dequantized in the graph,
 *
 *   MatMul(A, DequantizeLinear(W_q, W_scale, W_zp)) → original output name
 *
 * so activations stay float. Files are as small as in 'dynamic' mode and the model is exactly its
 * dequantized surrogate; it trades MatMulInteger's speed for accuracy where per-tensor activation
 * scales flip too many decisions (a language model's near-tied next tokens, say).
 *
 * Weights default to uint8 with zero point 128 (symmetric range): the u8·u8 MatMulInteger kernel is
 * present in every onnxruntime build, including onnxruntime-web's wasm, and on x86 it avoids the u8·s8
 * int16 saturation (VPMADDUBSW) that onnxruntime's docs warn about for int8 weights.
 */
import { node, tensorF32, tensorI8, tensorU8 } from './builder.js';
import {
  DataType,
  decodeModel,
  encodeModel,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from './proto.js';
import { readFloat32, tensorDims } from './tensor-data.js';

export interface QuantizeOptions {
  /** 'dynamic' (int8 activations too, MatMulInteger; default) or 'weights' (weight-only, float MatMul). */
  mode?: 'dynamic' | 'weights';
  /** Weight storage: 'uint8' (zero point 128, default) or 'int8' (zero point 0). Both are symmetric. */
  weightType?: 'uint8' | 'int8';
  /** One scale per output column instead of one per tensor (better accuracy, N more floats per weight). */
  perColumn?: boolean;
  /** Leave weights with fewer elements than this in float. Default 0 (quantize all). */
  minElements?: number;
  /** Names of MatMul nodes to leave in float. */
  exclude?: string[];
}

/** Round half to even, as numpy and onnxruntime round. */
function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface QuantWeight {
  q: TensorProto;
  scale: TensorProto;
  zeroPoint: TensorProto;
}

/** Symmetric quantization of a [K, N] weight to the range −127…127 (shifted by 128 for uint8). */
export function quantizeWeight(w: TensorProto, opts: QuantizeOptions = {}): QuantWeight {
  const [K, N] = tensorDims(w);
  const data = readFloat32(w);
  const groups = opts.perColumn ? N : 1;
  const maxAbs = new Float32Array(groups);
  for (let i = 0; i < data.length; i++) {
    const g = opts.perColumn ? i % N : 0;
    maxAbs[g] = Math.max(maxAbs[g], Math.abs(data[i]));
  }
  // float32 scales: what the graph will multiply by, so quantize with the very same values.
  const scales = Float32Array.from(maxAbs, (m) => (m > 0 ? m / 127 : 1));
  const values = new Int16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const s = scales[opts.perColumn ? i % N : 0];
    values[i] = Math.max(-127, Math.min(127, roundEven(data[i] / s)));
  }
  const name = w.name!;
  const zpDims = opts.perColumn ? [N] : [];
  const u8 = (opts.weightType ?? 'uint8') === 'uint8';
  return {
    q: u8
      ? tensorU8(
          `${name}_quantized`,
          [K, N],
          Uint8Array.from(values, (v) => v + 128),
        )
      : tensorI8(`${name}_quantized`, [K, N], Int8Array.from(values)),
    scale: tensorF32(`${name}_scale`, zpDims, scales),
    zeroPoint: u8
      ? tensorU8(`${name}_zero_point`, zpDims, new Uint8Array(groups).fill(128))
      : tensorI8(`${name}_zero_point`, zpDims, new Int8Array(groups)),
  };
}

export function quantizeDynamic(model: ModelProto, opts: QuantizeOptions = {}): ModelProto {
  const out = decodeModel(encodeModel(model)); // deep copy: the input model stays untouched
  const graph = out.graph!;
  const opset = (out.opsetImport ?? []).find((o) => !o.domain)?.version ?? 0;
  if (Number(opset) < 11)
    throw new Error(`quantizeDynamic needs opset >= 11 (DynamicQuantizeLinear), model has ${opset}`);

  const inits = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const exclude = new Set(opts.exclude ?? []);
  const isQuantizable = (n: NodeProto) => {
    if (n.opType !== 'MatMul' || exclude.has(n.name ?? '')) return false;
    const w = inits.get(n.input?.[1] ?? '');
    if (!w || w.dataType !== DataType.FLOAT || tensorDims(w).length !== 2) return false;
    return tensorDims(w).reduce((a, b) => a * b, 1) >= (opts.minElements ?? 0);
  };

  const floatUses = new Map<string, number>();
  for (const n of graph.node ?? []) {
    if (isQuantizable(n)) continue;
    for (const i of n.input ?? []) floatUses.set(i, (floatUses.get(i) ?? 0) + 1);
  }
  for (const o of graph.output ?? []) floatUses.set(o.name!, 1);

  const weights = new Map<string, QuantWeight>();
  const activations = new Map<string, [string, string, string]>(); // tensor → [q, scale, zero point]
  const nodes: NodeProto[] = [];
  for (const n of graph.node ?? []) {
    if (!isQuantizable(n)) {
      nodes.push(n);
      continue;
    }
    const [a, wName] = n.input as string[];
    const y = n.output![0];
    const name = n.name || y;

    let qw = weights.get(wName);
    if (!qw) {
      qw = quantizeWeight(inits.get(wName)!, opts);
      weights.set(wName, qw);
      if (opts.mode === 'weights') {
        const axis: Record<string, number> = opts.perColumn ? { axis: 1 } : {};
        const dq = [qw.q.name!, qw.scale.name!, qw.zeroPoint.name!];
        nodes.push(node('DequantizeLinear', dq, [`${wName}_dequantized`], axis, `${wName}_DequantizeLinear`));
      }
    }
    if (opts.mode === 'weights') {
      nodes.push(node('MatMul', [a, `${wName}_dequantized`], [y], {}, name));
      continue;
    }
    // One DynamicQuantizeLinear per activation, shared by all MatMuls reading it (e.g. Q, K and V):
    // it sits just before the first of them, where `a` is already computed.
    let qa = activations.get(a);
    if (!qa) {
      qa = [`${a}_quantized`, `${a}_scale`, `${a}_zero_point`];
      nodes.push(node('DynamicQuantizeLinear', [a], qa, {}, `${a}_QuantizeLinear`));
      activations.set(a, qa);
    }
    const [aq, as, az] = qa;
    nodes.push(
      node(
        'MatMulInteger',
        [aq, qw.q.name!, az, qw.zeroPoint.name!],
        [`${y}_quantized`],
        {},
        `${name}_quant`,
      ),
      node('Cast', [`${y}_quantized`], [`${y}_quantized_cast`], { to: DataType.FLOAT }, `${name}_quant_cast`),
      node('Mul', [as, qw.scale.name!], [`${y}_scales`], {}, `${name}_quant_scales_mul`),
      node('Mul', [`${y}_quantized_cast`, `${y}_scales`], [y], {}, `${name}_quant_output_mul`),
    );
  }

  // Float weights that nothing reads any more go; tied ones (still read by a Gather, say) stay.
  const kept = (graph.initializer ?? []).filter((t) => !weights.has(t.name!) || floatUses.has(t.name!));
  for (const qw of weights.values()) kept.push(qw.q, qw.scale, qw.zeroPoint);
  graph.initializer = kept;
  const keptNames = new Set(kept.map((t) => t.name));
  // IR < 4 models list initializers among the inputs too.
  graph.input = (graph.input ?? []).filter((v) => !inits.has(v.name!) || keptNames.has(v.name!));
  graph.node = nodes;
  return out;
}
