/**
 * Gather with respect to its data (the indices are integers). Needed where a float activation is
 * indexed, e.g. BERT's pooler taking the first token, or a target picking a position's logits; the
 * embedding lookup itself is a constant table and needs no gradient.
 */
import { attrInt } from '../attributes.js';
import { scatterBack } from './shape.js';
import type { GradRule } from './types.js';

export const gather: GradRule = ({ node, x: [data, indices], dY: [g], needs, e }) => {
  if (!g || !needs[0]) return [];
  const axis = attrInt(node, 'axis', 0);
  // Repeated indices must add their gradients: ScatterElements' reduction="add" exists from opset 16.
  const constant = e.info.constInts(indices);
  const unique = !!constant && new Set(constant).size === constant.length && constant.every((i) => i >= 0);
  if (!unique && e.opset < 16) {
    throw new Error(
      `autodiff: Gather node "${node.name}" with runtime indices needs opset >= 16 for its gradient (model has ${e.opset})`,
    );
  }
  return [scatterBack(e, data, g, (idx) => e.op1('Gather', [idx, indices], { axis }), !unique)];
};
