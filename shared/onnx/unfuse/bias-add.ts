/** com.microsoft.BiasAdd: Y = X + bias + skip (X, skip [N, S, C], bias [C]). */
import type { Emitter } from './emitter.js';

export function biasAdd(e: Emitter): void {
  const [x, bias, skip] = [e.input(0), e.input(1), e.input(2)];
  if (!x || !bias || !skip) e.refuse('inputs X, bias and skip are all required');
  e.op('Add', [e.op('Add', [x, bias]), skip], {}, e.output(0));
}
