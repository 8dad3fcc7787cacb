/**
 * com.microsoft.SkipLayerNormalization: y = LayerNorm(input + skip + bias)·γ + β over the last axis.
 * Outputs: output, mean, inv_std_var, input_skip_bias_sum (all but the first optional).
 * The bias is added to the input before the skip so that the residual Add is Add(branch, skip), the
 * shape the hidden-state exposure recognises.
 */
import { attrFloat } from '../autodiff/attributes.js';
import type { Emitter } from './emitter.js';
import { layerNorm } from './norm.js';

/** input + bias (when given) + skip, into `out` where the graph reads the sum. */
export function skipSum(e: Emitter, out?: string): string {
  const input = e.input(0)!;
  const skip = e.input(1);
  if (!skip) e.refuse('input "skip" is required');
  const bias = e.input(e.fused.opType === 'SkipSimplifiedLayerNormalization' ? 3 : 4);
  const branch = bias ? e.op('Add', [input, bias]) : input;
  return e.op('Add', [branch, skip], {}, out);
}

export function skipLayerNormalization(e: Emitter): void {
  const sum = skipSum(e, e.output(3));
  const gamma = e.input(2);
  if (!gamma) e.refuse('input "gamma" is required');
  layerNorm(e, sum, gamma, e.input(3), -1, attrFloat(e.fused, 'epsilon', 1e-12), {
    y: e.output(0)!,
    mean: e.output(1),
    invStd: e.output(2),
  });
}
