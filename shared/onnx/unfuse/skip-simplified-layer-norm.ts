/**
 * com.microsoft.SkipSimplifiedLayerNormalization: RMSNorm(input + skip + bias)·γ over the last axis.
 * Inputs input, skip, gamma, bias; outputs output, mean (never computed by ORT), inv_std_var,
 * input_skip_bias_sum.
 */
import { attrFloat } from '../autodiff/attributes.js';
import type { Emitter } from './emitter.js';
import { rmsNorm } from './norm.js';
import { skipSum } from './skip-layer-norm.js';

export function skipSimplifiedLayerNormalization(e: Emitter): void {
  if (e.output(1)) e.refuse('output "mean" is read (RMSNorm has no mean)');
  const sum = skipSum(e, e.output(3));
  const gamma = e.input(2);
  if (!gamma) e.refuse('input "gamma" is required');
  rmsNorm(e, sum, gamma, -1, attrFloat(e.fused, 'epsilon', 1e-12), { y: e.output(0)!, invStd: e.output(2) });
}
