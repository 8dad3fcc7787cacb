/**
 * Layer pieces the three tiny models share: linear, LayerNorm, GELU (erf and tanh forms), FFN,
 * head split/merge, the attention core and its masks. Weights are stored [in, out] (as PyTorch's
 * exporter leaves them after folding the transpose of nn.Linear), so every projection is MatMul + Add:
 * the pattern our int8 quantizer and the gradient rewrite look for.
 */
import { DataType } from '../../shared/onnx/proto.js';
import type { GraphBuilder } from './graph.js';

/** float32's lowest value: added to (or put in place of) a score it gives exactly 0 after Softmax. */
export const FLOAT_LOWEST = -3.4028234663852886e38;

export interface LinearSpec {
  /** Node scope, e.g. `/bert/encoder/layer.0/attention/self/query`. */
  scope: string;
  /** Parameter prefix, e.g. `bert.encoder.layer.0.attention.self.query` (→ `.weight`, `.bias`). */
  param: string;
  inDim: number;
  outDim: number;
  std: number;
}

export function linear(g: GraphBuilder, x: string, s: LinearSpec): string {
  const w = g.param(`${s.param}.weight`, [s.inDim, s.outDim], s.std);
  const b = g.param(`${s.param}.bias`, [s.outDim], s.std / 4);
  const y = g.op1(s.scope, 'MatMul', [x, w]);
  return g.op1(s.scope, 'Add', [y, b]);
}

/** LayerNormalization over the last axis; `output` names the result when it is a graph output. */
export function layerNorm(
  g: GraphBuilder,
  x: string,
  scope: string,
  param: string,
  dim: number,
  eps: number,
  output?: string,
): string {
  const gamma = g.param(`${param}.weight`, [dim], 0, 1);
  const beta = g.param(`${param}.bias`, [dim], 0, 0);
  const outputs = output ? [output] : undefined;
  return g.op1(scope, 'LayerNormalization', [x, gamma, beta], { attrs: { axis: -1, epsilon: eps }, outputs });
}

/** Exact GELU, x·0.5·(1 + erf(x/√2)), as BERT and Marian export it. */
export function geluErf(g: GraphBuilder, x: string, scope: string): string {
  const d = g.op1(scope, 'Div', [x, g.constF32([Math.SQRT2], [])]);
  const e = g.op1(scope, 'Erf', [d]);
  const a = g.op1(scope, 'Add', [e, g.constF32([1], [])]);
  const m = g.op1(scope, 'Mul', [x, a]);
  return g.op1(scope, 'Mul', [m, g.constF32([0.5], [])]);
}

/** GPT-2's tanh GELU, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(g: GraphBuilder, x: string, scope: string): string {
  const cube = g.op1(scope, 'Pow', [x, g.constF32([3], [])]);
  const c = g.op1(scope, 'Mul', [cube, g.constF32([0.044715], [])]);
  const inner = g.op1(scope, 'Add', [x, c]);
  const scaled = g.op1(scope, 'Mul', [inner, g.constF32([Math.sqrt(2 / Math.PI)], [])]);
  const t = g.op1(scope, 'Tanh', [scaled]);
  const one = g.op1(scope, 'Add', [t, g.constF32([1], [])]);
  const half = g.op1(scope, 'Mul', [x, g.constF32([0.5], [])]);
  return g.op1(scope, 'Mul', [half, one]);
}

export interface FfnSpec {
  up: LinearSpec;
  down: LinearSpec;
  actScope: string;
  act: 'erf' | 'tanh';
}

export function ffn(g: GraphBuilder, x: string, s: FfnSpec): string {
  const h = linear(g, x, s.up);
  const a = s.act === 'erf' ? geluErf(g, h, s.actScope) : geluTanh(g, h, s.actScope);
  return linear(g, a, s.down);
}

/** [b, s, heads·d] → [b, heads, s, d]. */
export function splitHeads(
  g: GraphBuilder,
  x: string,
  scope: string,
  heads: number,
  headDim: number,
): string {
  const r = g.op1(scope, 'Reshape', [x, g.constI64([0, 0, heads, headDim])]);
  return g.op1(scope, 'Transpose', [r], { attrs: { perm: [0, 2, 1, 3] } });
}

/** [b, heads, s, d] → [b, s, heads·d]. */
export function mergeHeads(g: GraphBuilder, x: string, scope: string, hidden: number): string {
  const t = g.op1(scope, 'Transpose', [x], { attrs: { perm: [0, 2, 1, 3] } });
  return g.op1(scope, 'Reshape', [t, g.constI64([0, 0, hidden])]);
}

export type AttentionMask =
  /** Float [b, 1, 1, k] (or broadcastable) added to the scores: 0 or FLOAT_LOWEST. */
  | { additive: string }
  /** Bool broadcastable to [b, heads, q, k]: where false the score becomes FLOAT_LOWEST. */
  | { allowed: string };

/**
 * softmax(q·kᵀ/√d + mask)·v on split heads, with exactly one Softmax node, `<scope>/Softmax`,
 * whose output is the attention probabilities [b, heads, q, k]. Returns the context [b, heads, q, d].
 */
export function attentionCore(
  g: GraphBuilder,
  scope: string,
  q: string,
  k: string,
  v: string,
  headDim: number,
  mask?: AttentionMask,
): { context: string; probs: string } {
  const kt = g.op1(scope, 'Transpose', [k], { attrs: { perm: [0, 1, 3, 2] } });
  const raw = g.op1(scope, 'MatMul', [q, kt]);
  let scores = g.op1(scope, 'Div', [raw, g.constF32([Math.sqrt(headDim)], [])]);
  if (mask && 'additive' in mask) scores = g.op1(scope, 'Add', [scores, mask.additive]);
  if (mask && 'allowed' in mask)
    scores = g.op1(scope, 'Where', [mask.allowed, scores, g.constF32([FLOAT_LOWEST], [])]);
  const probs = g.op1(scope, 'Softmax', [scores], { attrs: { axis: -1 } });
  const context = g.op1(scope, 'MatMul', [probs, v]);
  return { context, probs };
}

/** Size of axis `axis` of `x` as a 0-D int64 (what Range takes). */
export function dimOf(g: GraphBuilder, x: string, axis: number, scope: string): string {
  const shape = g.op1(scope, 'Shape', [x]);
  return g.op1(scope, 'Gather', [shape, g.constI64([axis], [])], { attrs: { axis: 0 } });
}

/** attention_mask int64 [b, k] → additive float mask [b, 1, 1, k]: (1 − mask)·FLOAT_LOWEST. */
export function paddingMaskAdditive(g: GraphBuilder, mask: string, scope: string): string {
  const u = g.op1(scope, 'Unsqueeze', [mask, g.constI64([1, 2])]);
  const f = g.op1(scope, 'Cast', [u], { attrs: { to: DataType.FLOAT } });
  const inv = g.op1(scope, 'Sub', [g.constF32([1], []), f]);
  return g.op1(scope, 'Mul', [inv, g.constF32([FLOAT_LOWEST], [])]);
}

/** attention_mask int64 [b, k] → bool [b, 1, 1, k], true where the key is a real token. */
export function paddingAllowed(g: GraphBuilder, mask: string, scope: string): string {
  const u = g.op1(scope, 'Unsqueeze', [mask, g.constI64([1, 2])]);
  return g.op1(scope, 'Cast', [u], { attrs: { to: DataType.BOOL } });
}

/**
 * Causal mask with a cache: query i sits at position past + i and may see keys 0 … past + i.
 * `past` and `total` (= past + new length) are 0-D int64; returns bool [q, total].
 */
export function causalAllowed(g: GraphBuilder, past: string, total: string, scope: string): string {
  const one = g.constI64([1], []);
  const keys = g.op1(scope, 'Range', [g.constI64([0], []), total, one]);
  const queries = g.op1(scope, 'Range', [past, total, one]);
  const col = g.op1(scope, 'Unsqueeze', [queries, g.constI64([1])]);
  return g.op1(scope, 'LessOrEqual', [keys, col]);
}

/** Sinusoidal positions as Marian uses them: sin in the first half of the features, cos in the second. */
export function sinusoidalPositions(
  g: GraphBuilder,
  start: string,
  end: string,
  dim: number,
  scope: string,
): string {
  const s = g.op1(scope, 'Cast', [start], { attrs: { to: DataType.FLOAT } });
  const e = g.op1(scope, 'Cast', [end], { attrs: { to: DataType.FLOAT } });
  const pos = g.op1(scope, 'Range', [s, e, g.constF32([1], [])]);
  const col = g.op1(scope, 'Unsqueeze', [pos, g.constI64([1])]);
  const half = dim / 2;
  const invFreq = Array.from({ length: half }, (_, i) => 1 / 10000 ** ((2 * i) / dim));
  const angles = g.op1(scope, 'Mul', [
    col,
    g.tensor(`${scope.slice(1).replaceAll('/', '.')}.inv_freq`, [1, half], invFreq),
  ]);
  const sin = g.op1(scope, 'Sin', [angles]);
  const cos = g.op1(scope, 'Cos', [angles]);
  return g.op1(scope, 'Concat', [sin, cos], { attrs: { axis: 1 } });
}
