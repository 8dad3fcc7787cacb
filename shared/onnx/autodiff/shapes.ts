/**
 * Static shape and element-type inference, just enough for the gradient rules: a rule needs the rank
 * of an operand (MatMul transposes its last two axes, Transpose without `perm` reverses them) and may
 * skip a broadcast reduction when the operand already has the output's shape. Dims are numbers,
 * symbolic names (`dim_param`, equal names meaning equal sizes) or null (unknown); a shape is null
 * when even the rank is unknown. Wrong guesses cost nothing but a missed shortcut: every rule falls
 * back to runtime shapes (`Shape` of the forward operand) where the static answer is unknown.
 */
import { DataType, type GraphProto, type NodeProto, num, type TensorProto } from '../proto.js';
import { readFloat32, tensorDims } from '../tensor-data.js';
import { attrInt, attrInts, attrOf, attrTensor, isFloatType, tensorInts } from './attributes.js';

export type Dim = number | string | null;
export type Shape = Dim[] | null;

function broadcastDim(a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === b) return a;
  if (typeof a === 'number') return a; // b is unknown or symbolic: for a valid broadcast it is 1 or a
  if (typeof b === 'number') return b;
  return null;
}

export function broadcastShapes(shapes: Shape[]): Shape {
  if (shapes.some((s) => s === null)) return null;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let d: Dim = 1;
    for (const s of shapes) {
      const j = i - (rank - s!.length);
      if (j >= 0) d = broadcastDim(d, s![j]);
    }
    out.push(d);
  }
  return out;
}

/** True when both shapes are statically known to be equal, dim by dim. */
export function sameShape(a: Shape, b: Shape): boolean {
  return !!a && !!b && a.length === b.length && a.every((d, i) => d !== null && d === b[i]);
}

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/**
 * Shapes, element types and the values of small integer tensors (shapes being computed, axes) of one
 * graph. Values may be symbolic: `Shape(x)` of x [batch, sequence, 32] holds [batch, sequence, 32],
 * so a `Range` or `Reshape` built from it keeps the symbols, and equal symbols stay comparable.
 */
export class ShapeInfo {
  readonly shapes = new Map<string, Shape>();
  readonly types = new Map<string, number>();
  readonly values = new Map<string, Dim[]>();
  /** float scalar constants (a float Range's step) */
  private readonly scalars = new Map<string, number>();

  constructor(
    graph: GraphProto,
    readonly opset: number,
  ) {
    for (const t of graph.initializer ?? []) this.setTensor(t.name!, t);
    for (const v of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
      const tt = v.type?.tensorType;
      if (!tt || this.types.has(v.name!)) continue;
      if (tt.elemType) this.types.set(v.name!, tt.elemType);
      if (tt.shape) {
        this.shapes.set(
          v.name!,
          (tt.shape.dim ?? []).map((d) =>
            d.dimParam ? d.dimParam : d.dimValue != null ? num(d.dimValue) : null,
          ),
        );
      }
    }
    for (const n of graph.node ?? []) this.infer(n);
  }

  private setTensor(name: string, t: TensorProto) {
    this.shapes.set(name, tensorDims(t));
    this.types.set(name, t.dataType ?? DataType.FLOAT);
    const v = tensorInts(t);
    if (v && v.length <= 64) this.values.set(name, v);
    else if (t.dataType === DataType.FLOAT && tensorDims(t).length === 0)
      this.scalars.set(name, readFloat32(t)[0]);
  }

  shape(t: string): Shape {
    return this.shapes.get(t) ?? null;
  }

  rank(t: string): number | undefined {
    return this.shapes.get(t)?.length;
  }

  type(t: string): number | undefined {
    return this.types.get(t);
  }

  isFloat(t: string): boolean {
    return isFloatType(this.types.get(t));
  }

  /** Constant integer values (initializers, Constant nodes, shapes of static tensors). */
  constInts(t: string | undefined): number[] | undefined {
    const v = t ? this.values.get(t) : undefined;
    return v?.every((d) => typeof d === 'number') ? (v as number[]) : undefined;
  }

  /** Integer values that may be symbolic (or null where unknown). */
  symbolicInts(t: string | undefined): Dim[] | undefined {
    return t ? this.values.get(t) : undefined;
  }

  /** Axes of a Reduce*, Squeeze or Unsqueeze node: from its attribute (old opsets) or its second input. */
  axesOf(n: NodeProto): number[] | undefined {
    return attrInts(n, 'axes') ?? this.constInts(n.input?.[1]);
  }

  private set(name: string | undefined, shape: Shape, type: number | undefined) {
    if (!name) return;
    // Declared value_info wins over our guesses where it says more.
    if (!this.shapes.has(name) || this.shapes.get(name) === null) this.shapes.set(name, shape);
    if (type !== undefined && !this.types.has(name)) this.types.set(name, type);
  }

  /** Infers and records the outputs of one node (called in topological order). */
  infer(n: NodeProto): void {
    const ins = (n.input ?? []).map((i) => (i ? this.shape(i) : null));
    const t0 = this.type(n.input?.[0] ?? '');
    const outs = n.output ?? [];
    const op = n.opType!;
    const x = ins[0];
    const set0 = (s: Shape, t = t0) => this.set(outs[0], s, t);
    switch (op) {
      case 'Identity':
      case 'Neg':
      case 'Exp':
      case 'Log':
      case 'Sqrt':
      case 'Reciprocal':
      case 'Tanh':
      case 'Erf':
      case 'Relu':
      case 'Sigmoid':
      case 'Abs':
      case 'Sin':
      case 'Cos':
      case 'Softmax':
      case 'LogSoftmax':
      case 'Gelu':
      case 'FastGelu':
      case 'BiasGelu':
      case 'Floor':
      case 'Ceil':
      case 'Round':
      case 'Sign':
      case 'Clip':
      case 'LeakyRelu':
      case 'Elu':
      case 'Softplus':
      case 'Softsign':
      case 'Selu':
      case 'Celu':
      case 'HardSigmoid':
      case 'HardSwish':
      case 'Mish':
      case 'ThresholdedRelu':
      case 'Shrink':
      case 'Atan':
      case 'Asin':
      case 'Acos':
      case 'Tan':
      case 'Sinh':
      case 'Cosh':
      case 'Asinh':
      case 'Acosh':
      case 'Atanh':
      case 'QuickGelu':
      case 'BatchNormalization':
      case 'InstanceNormalization':
      case 'SimplifiedLayerNormalization':
      case 'RMSNormalization':
      case 'Dropout':
      case 'Trilu':
      case 'CumSum':
        set0(x);
        if (op === 'Dropout' && outs[1]) this.set(outs[1], x, DataType.BOOL);
        return;
      case 'IsNaN':
      case 'IsInf':
      case 'Not':
        set0(x, DataType.BOOL);
        return;
      case 'Cast':
        set0(x, attrInt(n, 'to', DataType.FLOAT));
        if (this.values.has(n.input![0])) this.values.set(outs[0], this.values.get(n.input![0])!);
        return;
      case 'CastLike':
        set0(x, this.type(n.input![1]));
        return;
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div':
      case 'Pow':
      case 'Sum':
      case 'Max':
      case 'Min':
      case 'Mean':
      case 'Mod':
      case 'PRelu':
        set0(broadcastShapes(ins));
        this.foldArithmetic(n);
        return;
      case 'Equal':
      case 'Less':
      case 'LessOrEqual':
      case 'Greater':
      case 'GreaterOrEqual':
      case 'And':
      case 'Or':
      case 'Xor':
        set0(broadcastShapes(ins), DataType.BOOL);
        return;
      case 'Where':
        set0(broadcastShapes(ins), this.type(n.input![1]));
        return;
      case 'MatMul':
      case 'MatMulInteger':
        set0(matmulShape(ins[0], ins[1]), op === 'MatMulInteger' ? DataType.INT32 : t0);
        return;
      case 'Gemm': {
        const a = ins[0];
        const b = ins[1];
        const m = a ? a[attrInt(n, 'transA', 0) ? 1 : 0] : null;
        const nn = b ? b[attrInt(n, 'transB', 0) ? 0 : 1] : null;
        set0([m ?? null, nn ?? null]);
        return;
      }
      case 'LayerNormalization': {
        set0(x);
        if (x) {
          const axis = norm(attrInt(n, 'axis', -1), x.length);
          const stats = x.map((d, i) => (i >= axis ? 1 : d));
          this.set(outs[1], stats, DataType.FLOAT);
          this.set(outs[2], stats, DataType.FLOAT);
        }
        return;
      }
      case 'Shape': {
        const r = x?.length;
        if (r === undefined) {
          set0([null], DataType.INT64);
          return;
        }
        const start = norm(Math.max(-r, Math.min(r, attrInt(n, 'start', 0))), r);
        const end = norm(Math.max(-r, Math.min(r, attrInt(n, 'end', r))), r);
        set0([Math.max(0, end - start)], DataType.INT64);
        this.values.set(outs[0], x!.slice(start, end));
        return;
      }
      case 'Size':
        set0([], DataType.INT64);
        return;
      case 'Constant': {
        const t = attrTensor(n, 'value');
        if (t) {
          this.set(outs[0], tensorDims(t), t.dataType ?? DataType.FLOAT);
          const v = tensorInts(t);
          if (v && v.length <= 64) this.values.set(outs[0], v);
        } else if (attrOf(n, 'value_int')) {
          this.set(outs[0], [], DataType.INT64);
          this.values.set(outs[0], [attrInt(n, 'value_int', 0)]);
        } else if (attrOf(n, 'value_ints')) {
          const v = attrInts(n, 'value_ints')!;
          this.set(outs[0], [v.length], DataType.INT64);
          this.values.set(outs[0], v);
        } else if (attrOf(n, 'value_float')) this.set(outs[0], [], DataType.FLOAT);
        else if (attrOf(n, 'value_floats'))
          this.set(outs[0], [attrOf(n, 'value_floats')!.floats!.length], DataType.FLOAT);
        return;
      }
      case 'ConstantOfShape': {
        const t = attrTensor(n, 'value');
        const type = t?.dataType ?? DataType.FLOAT;
        const v = this.symbolicInts(n.input![0]);
        if (v) {
          set0(v, type);
          return;
        }
        const len = x?.[0];
        set0(typeof len === 'number' ? new Array(len).fill(null) : null, type);
        return;
      }
      case 'Range': {
        // Range(0, n, 1) has n elements: keep n, symbolic or not (position ids from a sequence length).
        const [start, limit] = n.input!.map((i) => this.symbolicInts(i)?.[0]);
        const delta = this.symbolicInts(n.input![2])?.[0] ?? this.scalars.get(n.input![2]);
        set0([delta === 1 && start !== undefined && limit !== undefined ? subtractDims(limit, start) : null]);
        return;
      }
      case 'Reshape': {
        const target = this.symbolicInts(n.input![1]);
        if (target) {
          const allowZero = attrInt(n, 'allowzero', 0);
          const dims: Dim[] = target.map((d, i) =>
            d === 0 && !allowZero ? (x?.[i] ?? null) : d === -1 ? null : d,
          );
          const minus = target.indexOf(-1);
          if (
            minus >= 0 &&
            x &&
            x.every((d) => typeof d === 'number') &&
            dims.every((d) => d === null || typeof d === 'number')
          ) {
            const total = (x as number[]).reduce((a, b) => a * b, 1);
            const known = dims.filter((_, i) => i !== minus);
            if (known.every((d) => typeof d === 'number')) {
              dims[minus] = total / (known as number[]).reduce((a, b) => a * b, 1);
            }
          }
          set0(dims);
          return;
        }
        const len = ins[1]?.[0];
        set0(typeof len === 'number' ? new Array(len).fill(null) : null);
        return;
      }
      case 'Flatten': {
        if (!x) {
          set0([null, null]);
          return;
        }
        const axis = norm(attrInt(n, 'axis', 1), x.length);
        const prod = (ds: Dim[]) =>
          ds.every((d) => typeof d === 'number') ? (ds as number[]).reduce((a, b) => a * b, 1) : null;
        set0([prod(x.slice(0, axis)), prod(x.slice(axis))]);
        return;
      }
      case 'Transpose': {
        if (!x) {
          set0(null);
          return;
        }
        const perm = attrInts(n, 'perm') ?? x.map((_, i) => x.length - 1 - i);
        set0(perm.map((p) => x[p]));
        return;
      }
      case 'Unsqueeze': {
        const axes = this.axesOf(n);
        if (!x || !axes) {
          set0(null);
          return;
        }
        const r = x.length + axes.length;
        const ax = new Set(axes.map((a) => norm(a, r)));
        const out: Dim[] = [];
        let j = 0;
        for (let i = 0; i < r; i++) out.push(ax.has(i) ? 1 : x[j++]);
        set0(out);
        const v = this.symbolicInts(n.input![0]);
        if (v) this.values.set(outs[0], v);
        return;
      }
      case 'Squeeze': {
        const axes = this.axesOf(n);
        if (!x) {
          set0(null);
          return;
        }
        if (!axes) {
          set0(x.every((d) => d !== null && typeof d === 'number') ? x.filter((d) => d !== 1) : null);
          return;
        }
        const ax = new Set(axes.map((a) => norm(a, x.length)));
        set0(x.filter((_, i) => !ax.has(i)));
        const v = this.symbolicInts(n.input![0]);
        if (v) this.values.set(outs[0], v);
        return;
      }
      case 'Gather': {
        const idx = ins[1];
        if (!x || !idx) {
          set0(null);
          return;
        }
        const axis = norm(attrInt(n, 'axis', 0), x.length);
        set0([...x.slice(0, axis), ...idx, ...x.slice(axis + 1)]);
        const data = this.symbolicInts(n.input![0]);
        const iv = this.constInts(n.input![1]);
        if (data && iv && x.length === 1) {
          this.values.set(
            outs[0],
            iv.map((i) => data[i < 0 ? i + data.length : i] ?? null),
          );
        }
        return;
      }
      case 'GatherElements':
        set0(ins[1]);
        return;
      case 'Concat': {
        if (ins.some((s) => !s)) {
          set0(ins.find((s) => s) ? ins.find((s) => s)!.map(() => null) : null);
          return;
        }
        const r = ins[0]!.length;
        const axis = norm(attrInt(n, 'axis', 0), r);
        const out = ins[0]!.slice();
        const sizes = ins.map((s) => s![axis]);
        out[axis] = addDims(sizes);
        for (let i = 0; i < r; i++) if (i !== axis) out[i] = broadcastShapes(ins.map((s) => [s![i]]))![0];
        set0(out);
        const vals = n.input!.map((i) => this.symbolicInts(i));
        if (vals.every((v) => v) && r === 1) this.values.set(outs[0], vals.flat() as Dim[]);
        return;
      }
      case 'Split': {
        if (!x) {
          for (const o of outs) this.set(o, null, t0);
          return;
        }
        const axis = norm(attrInt(n, 'axis', 0), x.length);
        const split = attrInts(n, 'split') ?? this.constInts(n.input?.[1]);
        outs.forEach((o, k) => {
          const s = x.slice();
          const whole = x[axis];
          s[axis] = split
            ? split[k]
            : typeof whole === 'number' && whole % outs.length === 0
              ? whole / outs.length
              : null;
          this.set(o, s, t0);
        });
        return;
      }
      case 'Slice': {
        if (!x) {
          set0(null);
          return;
        }
        const starts = this.constInts(n.input![1]);
        const ends = this.constInts(n.input![2]);
        const axes = n.input![3] ? this.constInts(n.input![3]) : x.map((_, i) => i);
        const steps = n.input![4] ? this.constInts(n.input![4]) : starts?.map(() => 1);
        const out = x.slice();
        if (!starts || !ends || !axes || !steps) {
          // Axes unknown: every dim may change.
          const changed = axes ? new Set(axes.map((a) => norm(a, x.length))) : undefined;
          set0(out.map((d, i) => (!changed || changed.has(i) ? null : d)));
          return;
        }
        axes.forEach((a, k) => {
          const i = norm(a, x.length);
          const d = x[i];
          out[i] = typeof d === 'number' ? sliceLength(d, starts[k], ends[k], steps[k]) : null;
        });
        set0(out);
        const v = this.symbolicInts(n.input![0]);
        if (v && x.length === 1 && steps[0] === 1) {
          const s = clampIndex(starts[0], v.length);
          const e = clampIndex(ends[0], v.length);
          this.values.set(outs[0], v.slice(s, e));
        }
        return;
      }
      case 'Expand': {
        const target = this.symbolicInts(n.input![1]);
        const len = ins[1]?.[0];
        const shape: Shape = target ?? (typeof len === 'number' ? new Array(len).fill(null) : null);
        set0(broadcastShapes([x, shape]));
        return;
      }
      case 'ReduceSum':
      case 'ReduceMean':
      case 'ReduceMax':
      case 'ReduceMin':
      case 'ReduceProd':
      case 'ReduceL2':
      case 'ReduceSumSquare':
      case 'ReduceLogSumExp':
      case 'ArgMax':
      case 'ArgMin': {
        const keep = attrInt(n, 'keepdims', 1);
        const arg = op.startsWith('Arg');
        const axes = arg ? [attrInt(n, 'axis', 0)] : this.axesOf(n);
        const type = arg ? DataType.INT64 : t0;
        if (!x) {
          set0(null, type);
          return;
        }
        const all = !axes || axes.length === 0;
        if (all && !arg && attrInt(n, 'noop_with_empty_axes', 0) && axes) {
          set0(x, type);
          return;
        }
        const ax = new Set(all ? x.map((_, i) => i) : axes!.map((a) => norm(a, x.length)));
        set0(keep ? x.map((d, i) => (ax.has(i) ? 1 : d)) : x.filter((_, i) => !ax.has(i)), type);
        return;
      }
      case 'OneHot': {
        const idx = x;
        const depth = this.constInts(n.input![1])?.[0] ?? null;
        const type = this.type(n.input![2]);
        if (!idx) {
          set0(null, type);
          return;
        }
        const r = idx.length + 1;
        const axis = norm(attrInt(n, 'axis', -1), r);
        set0([...idx.slice(0, axis), depth, ...idx.slice(axis)], type);
        return;
      }
      case 'DynamicQuantizeLinear':
        this.set(outs[0], x, DataType.UINT8);
        this.set(outs[1], [], DataType.FLOAT);
        this.set(outs[2], [], DataType.UINT8);
        return;
      case 'QuantizeLinear':
        set0(x, n.input![2] ? this.type(n.input![2]) : DataType.UINT8);
        return;
      case 'DequantizeLinear':
        set0(x, this.type(n.input![1]) ?? DataType.FLOAT);
        return;
      case 'DynamicQuantizeMatMul':
      case 'MatMulIntegerToFloat':
        set0(matmulShape(ins[0], ins[1]), DataType.FLOAT);
        return;
      case 'NonZero':
        set0(x ? [x.length, null] : [null, null], DataType.INT64);
        return;
      case 'Tile':
      case 'Pad':
        set0(x ? x.map(() => null) : null);
        return;
      default:
        for (const o of outs) this.set(o, null, undefined);
    }
  }

  /** Keeps the values of small shape arithmetic (e.g. past + sequence length), symbolic for sums. */
  private foldArithmetic(n: NodeProto) {
    const a = this.symbolicInts(n.input![0]);
    const b = this.symbolicInts(n.input![1]);
    if (!a || !b || n.input!.length !== 2) return;
    const numeric = (f: (x: number, y: number) => number) => (x: Dim, y: Dim) =>
      typeof x === 'number' && typeof y === 'number' ? f(x, y) : null;
    const f = {
      Add: (x: Dim, y: Dim) => addDims([x, y]),
      Sub: numeric((x, y) => x - y),
      Mul: numeric((x, y) => x * y),
    }[n.opType as 'Add' | 'Sub' | 'Mul'];
    if (!f || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return;
    const len = Math.max(a.length, b.length);
    this.values.set(
      n.output![0],
      Array.from({ length: len }, (_, i) => f(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i])),
    );
  }
}

/**
 * The sum of dims: a number when all are numbers, else the symbols joined by " + " (zeros dropped), the
 * way optimum names a cache's total length: "past_sequence_length + sequence_length".
 */
function addDims(dims: Dim[]): Dim {
  if (dims.some((d) => d === null)) return null;
  if (dims.every((d) => typeof d === 'number')) return (dims as number[]).reduce((a, b) => a + b, 0);
  const parts = dims.filter((d) => d !== 0);
  return parts.every((d) => typeof d === 'string') ? parts.join(' + ') : null;
}

/** a − b for dims: numbers, or a symbolic sum "… + b + …" less its term b (cache offsets). */
function subtractDims(a: Dim, b: Dim): Dim {
  if (b === 0) return a;
  if (typeof a === 'number' && typeof b === 'number') return Math.max(0, a - b);
  if (typeof a !== 'string' || typeof b !== 'string') return null;
  const terms = a.split(' + ');
  const i = terms.indexOf(b);
  if (i < 0) return null;
  terms.splice(i, 1);
  return terms.length ? terms.join(' + ') : 0;
}

function clampIndex(i: number, d: number): number {
  const j = i < 0 ? i + d : i;
  return Math.max(0, Math.min(d, j));
}

function sliceLength(d: number, start: number, end: number, step: number): number {
  if (step > 0) {
    const s = clampIndex(start, d);
    const e = clampIndex(end, d);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  const s = Math.max(-1, Math.min(d - 1, start < 0 ? start + d : start));
  const e = Math.max(-1, Math.min(d - 1, end < 0 ? end + d : end));
  return Math.max(0, Math.ceil((e - s) / step));
}

function matmulShape(a: Shape, b: Shape): Shape {
  if (!a || !b) return null;
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)])!;
  const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.splice(out.length - 1, 1);
  return out;
}
