/**
 * Arithmetic with numpy broadcasting: each operand's gradient is summed back to its own shape
 * (`unbroadcast`). Rounding ops (Floor, Ceil, Round, Sign) have a zero gradient almost everywhere.
 */
import type { GradRule } from './types.js';

export const add: GradRule = ({ x, dY: [g], needs, e }) => [
  needs[0] && g ? e.unbroadcast(g, x[0], [x[1]]) : undefined,
  needs[1] && g ? e.unbroadcast(g, x[1], [x[0]]) : undefined,
];

export const sub: GradRule = ({ x, dY: [g], needs, e }) => [
  needs[0] && g ? e.unbroadcast(g, x[0], [x[1]]) : undefined,
  needs[1] && g ? e.unbroadcast(e.op1('Neg', [g]), x[1], [x[0]]) : undefined,
];

export const mul: GradRule = ({ x, dY: [g], needs, e }) => [
  needs[0] && g ? e.unbroadcast(e.mul(g, x[1]), x[0], [x[1]]) : undefined,
  needs[1] && g ? e.unbroadcast(e.mul(g, x[0]), x[1], [x[0]]) : undefined,
];

/** y = a / b: da = g / b, db = −g·y / b. */
export const div: GradRule = ({ x, y, dY: [g], needs, e }) => {
  if (!g) return [];
  const gOverB = e.op1('Div', [g, x[1]]);
  return [
    needs[0] ? e.unbroadcast(gOverB, x[0], [x[1]]) : undefined,
    needs[1] ? e.unbroadcast(e.op1('Neg', [e.mul(gOverB, y[0])]), x[1], [x[0]]) : undefined,
  ];
};

/** y = a^b: da = g·b·a^(b−1); db = g·y·ln a (only when the exponent itself varies). */
export const pow: GradRule = ({ x, y, dY: [g], needs, e }) => {
  if (!g) return [];
  const [a, b] = x;
  let da: string | undefined;
  if (needs[0]) {
    const d = e.mul(b, e.op1('Pow', [a, e.op1('Sub', [b, e.scalar(1)])]));
    da = e.unbroadcast(e.mul(g, d), a, [b]);
  }
  const db = needs[1] ? e.unbroadcast(e.mul(g, e.mul(y[0], e.op1('Log', [a]))), b, [a]) : undefined;
  return [da, db];
};

export const neg: GradRule = ({ dY: [g], e }) => [g && e.op1('Neg', [g])];

/** y = √x: dx = g / (2y). */
export const sqrt: GradRule = ({ y, dY: [g], e }) => [g && e.op1('Div', [g, e.mul(y[0], e.scalar(2))])];

export const exp: GradRule = ({ y, dY: [g], e }) => [g && e.mul(g, y[0])];

export const log: GradRule = ({ x, dY: [g], e }) => [g && e.op1('Div', [g, x[0]])];

/** y = 1/x: dx = −g·y². */
export const reciprocal: GradRule = ({ y, dY: [g], e }) => [g && e.op1('Neg', [e.mul(g, e.mul(y[0], y[0]))])];

export const abs: GradRule = ({ x, dY: [g], e }) => [g && e.mul(g, e.op1('Sign', [x[0]]))];

export const sin: GradRule = ({ x, dY: [g], e }) => [g && e.mul(g, e.op1('Cos', [x[0]]))];

export const cos: GradRule = ({ x, dY: [g], e }) => [g && e.op1('Neg', [e.mul(g, e.op1('Sin', [x[0]]))])];

/** Variadic Sum (and Mean, which scales by 1/n). */
export const sum: GradRule = ({ node, x, dY: [g], needs, e }) => {
  if (!g) return [];
  const scaled = node.opType === 'Mean' ? e.mul(g, e.scalar(1 / x.length)) : g;
  return x.map((xi, i) =>
    needs[i]
      ? e.unbroadcast(
          scaled,
          xi,
          x.filter((_, j) => j !== i),
        )
      : undefined,
  );
};

/** Where(cond, a, b): the gradient goes to a where cond holds, to b elsewhere. */
export const where: GradRule = ({ x, dY: [g], needs, e }) => {
  if (!g) return [];
  const zero = e.scalar(0);
  return [
    undefined,
    needs[1] ? e.unbroadcast(e.op1('Where', [x[0], g, zero]), x[1], [x[0], x[2]]) : undefined,
    needs[2] ? e.unbroadcast(e.op1('Where', [x[0], zero, g]), x[2], [x[0], x[1]]) : undefined,
  ];
};

/** Max / Min of two operands: the gradient goes to the selected one (to the first on ties). */
export const maxMin: GradRule = ({ node, x, y, dY: [g], needs, e }) => {
  if (!g || x.length !== 2)
    throw new Error(`autodiff: ${node.opType} node "${node.name}" with ${x.length} inputs has no rule`);
  const first = e.op1('Equal', [x[0], y[0]]);
  const zero = e.scalar(0);
  return [
    needs[0] ? e.unbroadcast(e.op1('Where', [first, g, zero]), x[0], [x[1]]) : undefined,
    needs[1] ? e.unbroadcast(e.op1('Where', [first, zero, g]), x[1], [x[0]]) : undefined,
  ];
};

export const zeroGradient: GradRule = () => [];
