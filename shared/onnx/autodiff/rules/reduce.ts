/** ReduceSum and ReduceMean: the gradient is broadcast back over the reduced axes. */
import { attrInt } from '../attributes.js';
import type { GradRule } from './types.js';

export const reduce: GradRule = ({ node, x, y, dY: [g], e }) => {
  if (!g) return [];
  const keep = attrInt(node, 'keepdims', 1);
  const axesAttr = e.info.axesOf(node);
  const axesInput = node.attribute?.some((a) => a.name === 'axes') ? undefined : x[1] || undefined;
  const noAxes = !axesInput && (!axesAttr || axesAttr.length === 0);
  if (noAxes && attrInt(node, 'noop_with_empty_axes', 0)) return [g];
  let back = g;
  // keepdims = 0 dropped the reduced axes: put them back as 1s (not needed when all were reduced,
  // since a scalar broadcasts anywhere).
  if (!keep && !noAxes) back = e.op1('Unsqueeze', [g, axesAttr ? e.ints(axesAttr) : axesInput!]);
  if (node.opType === 'ReduceMean')
    back = e.mul(back, meanScale(e, x[0], y[0], noAxes ? undefined : axesAttr));
  return [e.op1('Expand', [back, e.shapeOf(x[0])])];
};

/** 1 / (number of elements averaged): static when the reduced dims are known, else size(y) / size(x). */
function meanScale(
  e: Parameters<GradRule>[0]['e'],
  x: string,
  y: string,
  axes: number[] | undefined,
): string {
  const xs = e.shape(x);
  if (xs) {
    const reduced = axes ? axes.map((a) => xs[a < 0 ? a + xs.length : a]) : xs;
    if (reduced.every((d) => typeof d === 'number'))
      return e.scalar(1 / (reduced as number[]).reduce((a, b) => a * b, 1));
  }
  const cast = (t: string) => e.op1('Cast', [e.op1('Size', [t])], { to: e.dtype });
  return e.op1('Div', [cast(y), cast(x)]);
}
