/** Layer and RMS normalization in primitive ops, shared by the Skip… and Simplified… rewrites. */
import type { Emitter } from './emitter.js';

export interface NormOutputs {
  y: string;
  mean?: string;
  invStd?: string;
}

/**
 * (x − μ)/√(σ² + ε)·γ + β over `axes`: LayerNormalization from opset 17 (which the hidden-state and
 * gradient code know as one op), ReduceMean/Sub/Mul/Sqrt/Div before it.
 */
export function layerNorm(
  e: Emitter,
  x: string,
  gamma: string,
  beta: string | undefined,
  axis: number,
  eps: number,
  out: NormOutputs,
): void {
  if (e.opset >= 17) {
    const outputs = [out.y, out.mean ?? '', out.invStd ?? ''];
    while (outputs[outputs.length - 1] === '') outputs.pop();
    e.opN('LayerNormalization', beta ? [x, gamma, beta] : [x, gamma], outputs, {
      axis,
      epsilon: { float: eps },
    });
    return;
  }
  const axes = e.normAxes(x, axis);
  const mean = e.reduceMean(x, axes);
  const centered = e.op('Sub', [x, mean]);
  const variance = e.reduceMean(e.op('Mul', [centered, centered]), axes);
  const std = e.op('Sqrt', [e.op('Add', [variance, e.constF([eps])])]);
  const scaled = e.op('Mul', [e.op('Div', [centered, std]), gamma], {}, beta ? undefined : out.y);
  if (beta) e.op('Add', [scaled, beta], {}, out.y);
  if (out.mean) e.op('Identity', [mean], {}, out.mean);
  if (out.invStd) e.op('Reciprocal', [std], {}, out.invStd);
}

/** x/√(mean(x²) + ε)·γ over `axes` (RMSNorm); `invStd` is 1/√(mean(x²) + ε). */
export function rmsNorm(
  e: Emitter,
  x: string,
  gamma: string,
  axis: number,
  eps: number,
  out: { y: string; invStd?: string },
): void {
  const axes = e.normAxes(x, axis);
  const meanSquare = e.reduceMean(e.op('Mul', [x, x]), axes);
  const invStd = e.op(
    'Reciprocal',
    [e.op('Sqrt', [e.op('Add', [meanSquare, e.constF([eps])])])],
    {},
    out.invStd,
  );
  e.op('Mul', [e.op('Mul', [x, invStd]), gamma], {}, out.y);
}
