/**
 * LayerNormalization (opset 17) over axes axis … r−1. The statistics are recomputed in the backward
 * graph rather than read from the op's optional Mean / InvStdDev outputs, so the rule works on any
 * node, in float or double.
 *
 *   x̂ = (x − μ)·r,  r = 1/√(var + ε),  y = x̂·scale + bias
 *   dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),  ĝ = g·scale
 */
import { attrFloat, attrInt } from '../attributes.js';
import type { GradRule } from './types.js';

export const layerNorm: GradRule = ({ node, x: [x, scale, bias], dY, needs, e }) => {
  const g = dY[0];
  if (dY[1] || dY[2])
    throw new Error(
      `autodiff: LayerNormalization node "${node.name}": its Mean/InvStdDev outputs are on the gradient path`,
    );
  if (!g) return [];
  const axis = attrInt(node, 'axis', -1);
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const axes =
    axis < 0
      ? Array.from({ length: -axis }, (_, i) => axis + i)
      : Array.from(
          { length: e.rank(x, 'LayerNormalization with a positive axis') - axis },
          (_, i) => axis + i,
        );
  const mean = e.reduceMean(x, axes, true);
  const centered = e.op1('Sub', [x, mean]);
  const variance = e.reduceMean(e.mul(centered, centered), axes, true);
  const rstd = e.op1('Reciprocal', [e.op1('Sqrt', [e.op1('Add', [variance, e.scalar(eps)])])]);
  const xhat = e.mul(centered, rstd);
  let dx: string | undefined;
  if (needs[0]) {
    const gh = e.mul(g, scale);
    const inner = e.op1('Sub', [
      e.op1('Sub', [gh, e.reduceMean(gh, axes, true)]),
      e.mul(xhat, e.reduceMean(e.mul(gh, xhat), axes, true)),
    ]);
    dx = e.mul(inner, rstd);
  }
  return [
    dx,
    needs[1] ? e.unbroadcast(e.mul(g, xhat), scale) : undefined,
    needs[2] && bias ? e.unbroadcast(g, bias) : undefined,
  ];
};
