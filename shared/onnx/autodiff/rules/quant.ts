/**
 * Gradients through int8 matrix products. The forward pass stays quantized; the backward pass uses
 * the dequantized weight W = (W_q − zero_point)·scale, rebuilt at run time from the quantized
 * initializer, its scale and zero point, and treats the dynamic quantization of the activations as
 * the identity (a straight-through estimator: rounding has a zero derivative almost everywhere, which
 * is useless for attribution). So dA = dY·Wᵀ with the very weights the int8 kernel multiplies by.
 * (The saliency methods use the exact gradient of the dequantized surrogate instead: ../dequantize.ts.)
 */
import type { GradientEmitter } from '../emit.js';
import { matmul } from './matmul.js';
import type { GradRule } from './types.js';

/** The internal op that stands for the quantized MatMul pattern (see ../quant-pattern.ts). */
export const DEQUANTIZED_MATMUL = 'DequantizedMatMul';
export const AUTODIFF_DOMAIN = 'attn-heatmap.autodiff';

/**
 * W = (W_q − zero_point) · scale as plain Cast/Sub/Mul, per tensor or per column (scale and zero
 * point [N] broadcast over W's last axis). Not DequantizeLinear: with it in the graph, onnxruntime's
 * extended-level (QDQ) optimizations produced wrong gradients (measured: relative error ~0.5 against
 * finite differences on the tiny models, correct with optimizations at "basic").
 */
export function dequantizeWeight(
  op: (type: string, inputs: string[], attrs?: Record<string, number>) => string,
  wq: string,
  scale: string,
  zeroPoint: string | undefined,
  dtype: number,
): string {
  const w = op('Cast', [wq], { to: dtype });
  const centered = zeroPoint ? op('Sub', [w, op('Cast', [zeroPoint], { to: dtype })]) : w;
  return op('Mul', [centered, scale]);
}

const dequantize = (e: GradientEmitter, wq: string, scale: string, zeroPoint: string | undefined) =>
  dequantizeWeight((t, i, a) => e.op1(t, i, a), wq, scale, zeroPoint, e.dtype);

/** DequantizedMatMul(A, W_q, W_scale, W_zero_point) = A·dequantize(W). */
export const dequantizedMatMul: GradRule = (args) => {
  const { x, e } = args;
  const w = dequantize(e, x[1], x[2], x[3] || undefined);
  const [dA] = matmul({ ...args, x: [x[0], w], needs: [args.needs[0], false] });
  return [dA];
};

/** com.microsoft DynamicQuantizeMatMul(A, B_q, b_scale, b_zero_point?, bias?) = A·dequantize(B) + bias. */
export const dynamicQuantizeMatMul: GradRule = (args) => {
  const { x, dY, needs, e } = args;
  const w = dequantize(e, x[1], x[2], x[3] || undefined);
  const [dA] = matmul({ ...args, x: [x[0], w], needs: [needs[0], false] });
  const dBias = needs[4] && dY[0] && x[4] ? e.unbroadcast(dY[0], x[4]) : undefined;
  return [dA, undefined, undefined, undefined, dBias];
};
