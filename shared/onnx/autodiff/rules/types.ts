/** The contract between the backward pass and one op's gradient rule. */
import type { NodeProto } from '../../proto.js';
import type { GradientEmitter } from '../emit.js';

export interface RuleArgs {
  node: NodeProto;
  /** the forward node's inputs and outputs (empty strings for omitted optional ones) */
  x: string[];
  y: string[];
  /** gradient of each output; undefined where an output receives none (zero) */
  dY: (string | undefined)[];
  /** whether input i lies on a path from the differentiated tensor (needs a gradient) */
  needs: boolean[];
  e: GradientEmitter;
}

/** Returns the gradient of each input (undefined: none needed, or zero). */
export type GradRule = (a: RuleArgs) => (string | undefined)[];
