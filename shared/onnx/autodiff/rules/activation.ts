/** Pointwise activations: tanh, sigmoid, relu, erf and the GELU family. */

import { attrFloat, attrString } from '../attributes.js';
import type { GradientEmitter } from '../emit.js';
import type { GradRule } from './types.js';

/** y = tanh x: dx = g·(1 − y²). */
export const tanh: GradRule = ({ y, dY: [g], e }) => [
  g && e.mul(g, e.op1('Sub', [e.scalar(1), e.mul(y[0], y[0])])),
];

/** y = σ(x): dx = g·y·(1 − y). */
export const sigmoid: GradRule = ({ y, dY: [g], e }) => [
  g && e.mul(g, e.mul(y[0], e.op1('Sub', [e.scalar(1), y[0]]))),
];

export const relu: GradRule = ({ x, dY: [g], e }) => [
  g && e.op1('Where', [e.op1('Greater', [x[0], e.scalar(0)]), g, e.scalar(0)]),
];

export const leakyRelu: GradRule = ({ node, x, dY: [g], e }) => [
  g &&
    e.op1('Where', [
      e.op1('Greater', [x[0], e.scalar(0)]),
      g,
      e.mul(g, e.scalar(attrFloat(node, 'alpha', 0.01))),
    ]),
];

/** y = erf x: dx = g·2/√π·exp(−x²). */
export const erf: GradRule = ({ x, dY: [g], e }) => {
  if (!g) return [];
  const x2 = e.mul(x[0], x[0]);
  const d = e.mul(e.op1('Exp', [e.op1('Neg', [x2])]), e.scalar(2 / Math.sqrt(Math.PI)));
  return [e.mul(g, d)];
};

/** d/dx of x·Φ(x) (exact GELU): Φ(x) + x·φ(x). */
function geluExactDerivative(e: GradientEmitter, x: string): string {
  const cdf = e.mul(
    e.op1('Add', [e.op1('Erf', [e.mul(x, e.scalar(Math.SQRT1_2))]), e.scalar(1)]),
    e.scalar(0.5),
  );
  const pdf = e.mul(e.op1('Exp', [e.mul(e.mul(x, x), e.scalar(-0.5))]), e.scalar(1 / Math.sqrt(2 * Math.PI)));
  return e.op1('Add', [cdf, e.mul(x, pdf)]);
}

/** d/dx of 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
function geluTanhDerivative(e: GradientEmitter, x: string): string {
  const c = Math.sqrt(2 / Math.PI);
  const x2 = e.mul(x, x);
  const inner = e.mul(e.op1('Add', [x, e.mul(e.mul(x2, x), e.scalar(0.044715))]), e.scalar(c));
  const t = e.op1('Tanh', [inner]);
  const left = e.mul(e.op1('Add', [t, e.scalar(1)]), e.scalar(0.5));
  const dInner = e.mul(e.op1('Add', [e.mul(x2, e.scalar(3 * 0.044715)), e.scalar(1)]), e.scalar(c));
  const sech2 = e.op1('Sub', [e.scalar(1), e.mul(t, t)]);
  const right = e.mul(e.mul(e.mul(x, e.scalar(0.5)), sech2), dInner);
  return e.op1('Add', [left, right]);
}

/** Gelu: ONNX opset 20 (`approximate` = none | tanh) and com.microsoft Gelu (exact). */
export const gelu: GradRule = ({ node, x, dY: [g], e }) => {
  if (!g) return [];
  const tanhForm = attrString(node, 'approximate', 'none') === 'tanh';
  return [e.mul(g, tanhForm ? geluTanhDerivative(e, x[0]) : geluExactDerivative(e, x[0]))];
};

/** com.microsoft FastGelu(x, bias?) = tanh-GELU(x + bias) and BiasGelu(a, b) = GELU(a + b). */
export const biasedGelu: GradRule = ({ node, x, dY: [g], needs, e }) => {
  if (!g) return [];
  const z = x[1] ? e.op1('Add', [x[0], x[1]]) : x[0];
  const d = node.opType === 'FastGelu' ? geluTanhDerivative(e, z) : geluExactDerivative(e, z);
  const dz = e.mul(g, d);
  return [
    needs[0] ? e.unbroadcast(dz, x[0], x[1] ? [x[1]] : []) : undefined,
    needs[1] && x[1] ? e.unbroadcast(dz, x[1], [x[0]]) : undefined,
  ];
};
