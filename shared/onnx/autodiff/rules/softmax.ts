/** Softmax and LogSoftmax along one axis (opset ≥ 13 semantics; older opsets flatten from `axis` on). */

import type { NodeProto } from '../../proto.js';
import { attrInt } from '../attributes.js';
import type { GradientEmitter } from '../emit.js';
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
 * y = log softmax(x): dx = g − p ⊙ Σ g, p = exp(y). Near certainty p rounds 1 − p away (at p = 1 − 7e-5
 * the float32 LogSoftmax itself is 2.4% off in 1 − p, and the gradient of a near-certain
 * log-probability at its own logit is 1 − p), so the dominant entry (p > ¾, hence unique) takes the
 * equal (g − Σ g) + (1 − p) Σ g with 1 − p summed from the other entries' probabilities: for a one-hot
 * g the first term is exactly 0, the second as accurate as the small probabilities.
 */
export const logSoftmax: GradRule = ({ node, x, y, dY: [g], e }) => {
  if (!g) return [];
  const axes = softmaxAxes(e, node, x[0]);
  const p = e.op1('Exp', [y[0]]);
  const total = e.reduceSum(g, axes, true);
  const plain = e.op1('Sub', [g, e.mul(p, total)]);
  const dominant = e.op1('Greater', [p, e.scalar(0.75)]);
  const rest = e.reduceSum(e.op1('Where', [dominant, e.scalar(0), p]), axes, true);
  const near = e.op1('Add', [e.op1('Sub', [g, total]), e.mul(rest, total)]);
  return [e.op1('Where', [dominant, near, plain])];
};
