/**
 * com.microsoft Gelu, BiasGelu (exact: x·½(1 + erf(x/√2))) and FastGelu (the tanh approximation,
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³)))), each on x = input (+ bias).
 */
import type { Emitter } from './emitter.js';

function biased(e: Emitter): string {
  const bias = e.input(1);
  return bias ? e.op('Add', [e.input(0)!, bias]) : e.input(0)!;
}

function erfGelu(e: Emitter, x: string): void {
  const erf = e.op('Erf', [e.op('Div', [x, e.constF([Math.SQRT2])])]);
  const half = e.op('Mul', [x, e.constF([0.5])]);
  e.op('Mul', [half, e.op('Add', [erf, e.constF([1])])], {}, e.output(0));
}

/** Gelu (one input) and BiasGelu (A, B). */
export function gelu(e: Emitter): void {
  if (e.fused.opType === 'BiasGelu' && !e.input(1)) e.refuse('input "B" (the bias) is required');
  erfGelu(e, biased(e));
}

export function fastGelu(e: Emitter): void {
  const x = biased(e);
  const cube = e.op('Mul', [e.op('Mul', [x, x]), x]);
  const inner = e.op('Add', [x, e.op('Mul', [cube, e.constF([0.044715])])]);
  const t = e.op('Tanh', [e.op('Mul', [inner, e.constF([Math.sqrt(2 / Math.PI)])])]);
  const half = e.op('Mul', [x, e.constF([0.5])]);
  e.op('Mul', [half, e.op('Add', [t, e.constF([1])])], {}, e.output(0));
}
