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

/**
 * y = log softmax(x): dx = g − p ⊙ Σ g, p = exp(y). Near certainty that loses 1 − p to rounding
 * (p = 1 − 3e-5 carries ~0.2% error in 1 − p; the gradient of a near-certain log-probability is
 * (1 − p) at its own logit), so the dominant entry (p > ½, the unique max) takes the equal
 * (g − Σ g) + (1 − p) Σ g, with 1 − p summed from the other entries' probabilities: for a one-hot g
 * the first term is exactly 0 and the second is as accurate as the small probabilities.
 */
export const logSoftmax: GradRule = ({ node, x, y, dY: [g], e }) => {
  if (!g) return [];
  const axes = softmaxAxes(e, node, x[0]);
  const p = e.op1('Exp', [y[0]]);
  const total = e.reduceSum(g, axes, true);
  const plain = e.op1('Sub', [g, e.mul(p, total)]);
  const top =
    e.opset >= 18
      ? e.op1('ReduceMax', [y[0], e.ints(axes)], { keepdims: 1 })
      : e.op1('ReduceMax', [y[0]], { axes, keepdims: 1 });
  const isTop = e.op1('Equal', [y[0], top]);
  const dominant = e.op1('And', [isTop, e.op1('Greater', [p, e.scalar(0.5)])]);
  const rest = e.reduceSum(e.op1('Where', [isTop, e.scalar(0), p]), axes, true);
  const near = e.op1('Add', [e.op1('Sub', [g, total]), e.mul(rest, total)]);
  return [e.op1('Where', [dominant, near, plain])];
};
