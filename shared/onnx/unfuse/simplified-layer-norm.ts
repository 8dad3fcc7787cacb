/**
 * SimplifiedLayerNormalization (RMSNorm; onnxruntime registers it in the default domain, some exports
 * put it in com.microsoft): Y = X/√(mean(X²) + ε)·scale over axis … last; optional output inv_std_var.
 */
import { attrFloat, attrInt } from '../autodiff/attributes.js';
import type { Emitter } from './emitter.js';
import { rmsNorm } from './norm.js';

export function simplifiedLayerNormalization(e: Emitter): void {
  const scale = e.input(1);
  if (!scale) e.refuse('input "scale" is required');
  rmsNorm(e, e.input(0)!, scale, attrInt(e.fused, 'axis', -1), attrFloat(e.fused, 'epsilon', 1e-5), {
    y: e.output(0)!,
    invStd: e.output(1),
  });
}
