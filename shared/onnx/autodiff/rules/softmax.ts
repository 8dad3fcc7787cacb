/** Softmax and LogSoftmax along one axis (opset ≥ 13 semantics; older opsets flatten from `axis` on). */

import type { NodeProto } from '../../proto.js';
import type { GradientEmitter } from '../emit.js';
import { attrInt } from '../shapes.js';
import type { GradRule } from './types.js';

function softmaxAxes(e: GradientEmitter, node: NodeProto, x: string): number[] {
  if (e.opset >= 13) return [attrInt(node, 'axis', -1)];
  // Before opset 13 the input is coerced to 2-D at `axis` (default 1): the reduction spans axis … r−1.
  const r = e.rank(x, `${node.opType} at opset ${e.opset}`);
  const axis = attrInt(node, 'axis', 1);
  return Array.from({ length: r - (axis < 0 ? axis + r : axis) }, (_, i) => (axis < 0 ? axis + r : axis) + i);
}

/** y = softmax(x): dx = y ⊙ (g − Σ g ⊙ y). */
export const softmax: GradRule = ({ node, x, y, dY: [g], e }) => {
  if (!g) return [];
  const dot = e.reduceSum(e.mul(g, y[0]), softmaxAxes(e, node, x[0]), true);
  return [e.mul(y[0], e.op1('Sub', [g, dot]))];
};

/** y = log softmax(x): dx = g − exp(y) ⊙ Σ g. */
export const logSoftmax: GradRule = ({ node, x, y, dY: [g], e }) => {
  if (!g) return [];
  const total = e.reduceSum(g, softmaxAxes(e, node, x[0]), true);
  return [e.op1('Sub', [g, e.mul(e.op1('Exp', [y[0]]), total)])];
};
