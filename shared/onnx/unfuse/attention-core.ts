/**
 * softmax(scale·Q·Kᵀ + mask + attention_bias)·V over heads, in the layout the exported (unfused)
 * models have, so that ../expose-attention.ts finds the Softmax: Q·Kᵀ is a MatMul of two computed
 * operands, the Softmax output feeds the ·V MatMul directly.
 *
 * Masks follow onnxruntime's CPU kernels: a key whose mask value is 0 gets `mask_filter_value`
 * (default −10000) added to its score, and with `unidirectional` each query i gets it added for the
 * keys after position past + i.
 */
import { attrFloat, attrInt } from '../autodiff/attributes.js';
import { DataType } from '../proto.js';
import type { Emitter } from './emitter.js';

export interface CoreSpec {
  /** [B, S, N·h] */
  q: string;
  /** [B, T, N·h] */
  k: string;
  /** [B, T, N·hv] */
  v: string;
  heads: number;
  /** head size of Q and K, for the default scale 1/√h */
  qkHead: number | undefined;
  /** mask input name and its role (for the messages) */
  mask?: { tensor: string; name: string };
  /** [B or 1, N or 1, S, T], added to the scores */
  attentionBias?: string;
  out: string;
}

/** 0 where the mask is > 0, `filter` elsewhere, shaped to broadcast against [B, N, S, T]. */
function paddingMask(e: Emitter, tensor: string, name: string, filter: number): string {
  const rank = e.shapes.rank(tensor);
  if (rank !== 2 && rank !== 3)
    e.refuse(
      `input "${name}" of rank ${rank ?? 'unknown'} (only [batch, total_sequence] and [batch, sequence, total_sequence] masks are supported)`,
    );
  const allowed = e.op('Greater', [e.op('Cast', [tensor], { to: DataType.FLOAT }), e.constF([0])]);
  const additive = e.op('Where', [allowed, e.constF([0]), e.constF([filter])]);
  return e.unsqueeze(additive, rank === 2 ? [1, 2] : [1]);
}

/** [S, T] additive causal mask: query i (at position T − S + i) may see keys 0 … T − S + i. */
function causalMask(e: Emitter, q: string, k: string, filter: number): string {
  const len = (x: string) => e.op('Gather', [e.op('Shape', [x]), e.constI([1], [])], { axis: 0 });
  const s = len(q);
  const t = len(k);
  const one = e.constI([1], []);
  const keys = e.op('Range', [e.constI([0], []), t, one]);
  const queries = e.unsqueeze(e.op('Range', [e.op('Sub', [t, s]), t, one]), [1]);
  const allowed = e.op('LessOrEqual', [keys, queries]);
  return e.op('Where', [allowed, e.constF([0]), e.constF([filter])]);
}

export function attentionCore(e: Emitter, c: CoreSpec): void {
  const n = e.fused;
  const filter = attrFloat(n, 'mask_filter_value', -10000);
  const scaleAttr = attrFloat(n, 'scale', 0);
  if (!scaleAttr && !c.qkHead) e.refuse('the head size is not known (give the attribute "scale")');
  const scale = scaleAttr || 1 / Math.sqrt(c.qkHead!);
  const split = (x: string, perm: number[]) =>
    e.op('Transpose', [e.op('Reshape', [x, e.constI([0, 0, c.heads, -1])])], { perm });
  const qh = split(c.q, [0, 2, 1, 3]); // [B, N, S, h]
  const kt = split(c.k, [0, 2, 3, 1]); // [B, N, h, T]
  const vh = split(c.v, [0, 2, 1, 3]); // [B, N, T, hv]
  let scores = e.op('Mul', [e.op('MatMul', [qh, kt]), e.constF([scale])]);
  if (c.mask) scores = e.op('Add', [scores, paddingMask(e, c.mask.tensor, c.mask.name, filter)]);
  if (attrInt(n, 'unidirectional', 0)) scores = e.op('Add', [scores, causalMask(e, c.q, c.k, filter)]);
  if (c.attentionBias) scores = e.op('Add', [scores, c.attentionBias]);
  const probs = e.op('Softmax', [scores], { axis: -1 });
  const context = e.op('Transpose', [e.op('MatMul', [probs, vh])], { perm: [0, 2, 1, 3] });
  e.op('Reshape', [context, e.constI([0, 0, -1])], {}, c.out);
}
