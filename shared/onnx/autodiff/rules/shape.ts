/**
 * Ops that move values without changing them: the gradient is moved back the same way (reshaped to
 * the input's runtime shape, transposed by the inverse permutation, split where it was concatenated,
 * scattered where it was sliced).
 */
import type { AttrValue } from '../../builder.js';
import { DataType } from '../../proto.js';
import { attrInt, attrInts, isFloatType } from '../attributes.js';
import type { GradientEmitter } from '../emit.js';
import type { GradRule } from './types.js';

export const identity: GradRule = ({ dY: [g] }) => [g];

/** Cast between float types: the gradient is cast back to the input's type. */
export const cast: GradRule = ({ node, x, dY: [g], e }) => {
  if (!g) return [];
  const from = e.info.type(x[0]) ?? DataType.FLOAT;
  if (!isFloatType(from))
    throw new Error(`autodiff: Cast node "${node.name}" from a non-float type is on the gradient path`);
  return [from === e.info.type(g) ? g : e.op1('Cast', [g], { to: from })];
};

/** Reshape, Flatten, Squeeze, Unsqueeze: same values in a new shape. */
export const reshapeBack: GradRule = ({ x, dY: [g], e }) => [g && e.op1('Reshape', [g, e.shapeOf(x[0])])];

export const expand: GradRule = ({ x, dY: [g], e }) => [g && e.unbroadcast(g, x[0])];

export const transpose: GradRule = ({ node, x, dY: [g], e }) => {
  if (!g) return [];
  const r = attrInts(node, 'perm')?.length ?? e.rank(x[0], 'Transpose without perm');
  const perm = attrInts(node, 'perm') ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inverse[p] = i;
  });
  return [e.op1('Transpose', [g], { perm: inverse })];
};

/** Sizes of `axis` of each tensor, as a 1-D int64 tensor (static when every size is known). */
function axisSizes(e: GradientEmitter, tensors: string[], axis: number): string {
  const known = tensors.map((t) => {
    const s = e.shape(t);
    if (!s) return null;
    const d = s[axis < 0 ? axis + s.length : axis];
    return typeof d === 'number' ? d : null;
  });
  if (known.every((d) => d !== null)) return e.ints(known as number[]);
  const parts = tensors.map((t) => e.op1('Gather', [e.shapeOf(t), e.ints([axis])], { axis: 0 }));
  return parts.length === 1 ? parts[0] : e.op1('Concat', parts, { axis: 0 });
}

export const concat: GradRule = ({ node, x, dY: [g], needs, e }) => {
  if (!g) return [];
  const axis = attrInt(node, 'axis', 0);
  const parts = e.op('Split', [g, axisSizes(e, x, axis)], { axis }, x.length);
  return parts.map((p, i) => (needs[i] ? p : undefined));
};

export const split: GradRule = ({ node, y, dY, e }) => {
  if (dY.every((g) => !g)) return [];
  const axis = attrInt(node, 'axis', 0);
  const parts = y.map((yi, i) => dY[i] ?? e.zerosLike(yi));
  return [e.op1('Concat', parts, { axis })];
};

/**
 * Scatters `g` back to the positions of `x` that `select` picked out. `select` applies the forward op
 * to a tensor of flat indices shaped like x, so starts, ends, negative indices and steps are handled
 * by the very op being differentiated; repeated indices (Gather) add up.
 */
export function scatterBack(
  e: GradientEmitter,
  x: string,
  g: string,
  select: (indices: string) => string,
  add: boolean,
): string {
  const size = e.op1('Size', [x]);
  const flat = e.op1('Range', [e.ints([0], []), size, e.ints([1], [])]);
  const picked = select(e.op1('Reshape', [flat, e.shapeOf(x)]));
  const zeros = e.zeros(e.op1('Reshape', [size, e.ints([1])]));
  const attrs: Record<string, AttrValue> = add ? { axis: 0, reduction: 'add' } : { axis: 0 };
  const scattered = e.op1(
    'ScatterElements',
    [zeros, e.op1('Reshape', [picked, e.ints([-1])]), e.op1('Reshape', [g, e.ints([-1])])],
    attrs,
  );
  return e.op1('Reshape', [scattered, e.shapeOf(x)]);
}

export const slice: GradRule = ({ x, dY: [g], e }) => {
  if (!g) return [];
  const rest = x.slice(1);
  return [scatterBack(e, x[0], g, (idx) => e.op1('Slice', [idx, ...rest]), false)];
};
