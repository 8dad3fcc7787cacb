/**
 * MatMul (numpy semantics: 1-D operands are promoted, batch axes broadcast) and Gemm.
 * Y = A·B gives dA = dY·Bᵀ and dB = Aᵀ·dY, each summed back over the batch axes it was broadcast on.
 */

import { attrFloat, attrInt } from '../attributes.js';
import type { GradientEmitter } from '../emit.js';
import type { GradRule } from './types.js';

/** Swaps the last two axes of a tensor of rank r ≥ 2. */
export function swapLast(e: GradientEmitter, t: string, r: number): string {
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return e.op1('Transpose', [t], { perm });
}

export const matmul: GradRule = ({ node, x: [a, b], dY: [g], needs, e }) => {
  if (!g) return [];
  const why = `the MatMul rule (node "${node.name}")`;
  const ra = e.rank(a, why);
  const rb = e.rank(b, why);
  // Promote 1-D operands as MatMul does: a → [1, k], b → [k, 1]; the gradient gets those axes back.
  const A = ra === 1 ? e.op1('Unsqueeze', [a, e.ints([0])]) : a;
  const B = rb === 1 ? e.op1('Unsqueeze', [b, e.ints([-1])]) : b;
  let G = g;
  if (ra === 1 && rb === 1) G = e.op1('Reshape', [g, e.ints([1, 1])]);
  else if (ra === 1) G = e.op1('Unsqueeze', [g, e.ints([-2])]);
  else if (rb === 1) G = e.op1('Unsqueeze', [g, e.ints([-1])]);
  const back = (grad: string, promoted: string, original: string) => {
    const r = e.unbroadcast(grad, promoted);
    return promoted === original ? r : e.op1('Reshape', [r, e.shapeOf(original)]);
  };
  return [
    needs[0] ? back(e.op1('MatMul', [G, swapLast(e, B, Math.max(rb, 2))]), A, a) : undefined,
    needs[1] ? back(e.op1('MatMul', [swapLast(e, A, Math.max(ra, 2)), G]), B, b) : undefined,
  ];
};

/** Y = α·op(A)·op(B) + β·C, with op = transpose when transA / transB is set. */
export const gemm: GradRule = ({ node, x: [a, b, c], dY: [g], needs, e }) => {
  if (!g) return [];
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  const tA = attrInt(node, 'transA', 0);
  const tB = attrInt(node, 'transB', 0);
  const gemm = (p: string, q: string, transA: number, transB: number) =>
    e.op1('Gemm', [p, q], { alpha: { float: alpha }, transA, transB });
  // dop(A) = α·dY·op(B)ᵀ; if A was transposed, dA is the transpose of that.
  const dA = needs[0] ? (tA ? gemm(b, g, tB, 1) : gemm(g, b, 0, tB ? 0 : 1)) : undefined;
  const dB = needs[1] ? (tB ? gemm(g, a, 1, tA) : gemm(a, g, tA ? 0 : 1, 0)) : undefined;
  const dC = needs[2] && c ? e.unbroadcast(beta === 1 ? g : e.mul(g, e.scalar(beta)), c) : undefined;
  return [dA, dB, dC];
};
