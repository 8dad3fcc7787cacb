/**
 * Emits the nodes of a backward graph: fresh names, constants in the graph's float type, and the
 * helpers most rules share (runtime shapes, reductions, undoing a numpy broadcast).
 */
import { type AttrValue, node, tensorI64 } from '../builder.js';
import { DataType, type NodeProto, type TensorProto } from '../proto.js';
import { type Dim, type Shape, type ShapeInfo, sameShape } from './shapes.js';

export class GradientEmitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  #count = 0;
  readonly #consts = new Map<string, string>();
  readonly #shapes = new Map<string, string>();
  /** the node whose rule is emitting, to name what it adds */
  scope = 'grad';

  constructor(
    readonly info: ShapeInfo,
    /** FLOAT or DOUBLE: the type of the tensors being differentiated and of every constant emitted. */
    readonly dtype: number,
    readonly opset: number,
  ) {}

  fresh(hint: string): string {
    return `${this.scope}/grad/${hint}_${this.#count++}`;
  }

  /** Adds a node; returns its outputs. Shapes of the new tensors are inferred as they are added. */
  op(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    outputs = 1,
    domain?: string,
  ): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(opType));
    const n = node(opType, inputs, outs, attrs, outs[0], domain);
    this.nodes.push(n);
    this.info.infer(n);
    return outs;
  }

  op1(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, domain?: string): string {
    return this.op(opType, inputs, attrs, 1, domain)[0];
  }

  /** A float constant of the graph's type (0-D unless dims are given), shared between uses. */
  scalar(value: number, dims: number[] = []): string {
    const key = `f:${dims.join('x')}:${value}`;
    let name = this.#consts.get(key);
    if (!name) {
      name = `grad/const_${this.#consts.size}`;
      this.initializers.push(floatTensor(name, dims, [value], this.dtype));
      this.#consts.set(key, name);
      this.info.shapes.set(name, dims);
      this.info.types.set(name, this.dtype);
    }
    return name;
  }

  /** A 1-D int64 constant (axes, shapes). */
  ints(values: number[], dims: number[] = [values.length]): string {
    const key = `i:${dims.join('x')}:${values.join(',')}`;
    let name = this.#consts.get(key);
    if (!name) {
      name = `grad/const_${this.#consts.size}`;
      this.initializers.push(tensorI64(name, dims, values));
      this.#consts.set(key, name);
      this.info.shapes.set(name, dims);
      this.info.types.set(name, DataType.INT64);
      this.info.values.set(name, values);
    }
    return name;
  }

  /** `Shape(t)`, once per tensor. */
  shapeOf(t: string): string {
    let s = this.#shapes.get(t);
    if (!s) {
      s = this.op1('Shape', [t]);
      this.#shapes.set(t, s);
    }
    return s;
  }

  shape(t: string): Shape {
    return this.info.shape(t);
  }

  /** The rank of a forward tensor, or an error naming it when it cannot be inferred statically. */
  rank(t: string, why: string): number {
    const r = this.info.rank(t);
    if (r === undefined)
      throw new Error(`autodiff: the rank of tensor "${t}" is unknown, and ${why} needs it`);
    return r;
  }

  zerosLike(t: string): string {
    const z = this.zeros(this.shapeOf(t));
    this.info.shapes.set(z, this.info.shape(t));
    return z;
  }

  /** Zeros of the graph's float type in a runtime shape (a 1-D int64 tensor). */
  zeros(shape: string): string {
    return this.op1('ConstantOfShape', [shape], { value: floatTensor('value', [1], [0], this.dtype) });
  }

  reduceSum(x: string, axes: number[] | string, keepdims: boolean): string {
    const ax = typeof axes === 'string' ? axes : this.ints(axes);
    return this.op1('ReduceSum', [x, ax], { keepdims: keepdims ? 1 : 0 });
  }

  /** ReduceMean with static axes, in the form the graph's opset wants (axes became an input in 18). */
  reduceMean(x: string, axes: number[], keepdims: boolean): string {
    if (this.opset >= 18) return this.op1('ReduceMean', [x, this.ints(axes)], { keepdims: keepdims ? 1 : 0 });
    return this.op1('ReduceMean', [x], { axes, keepdims: keepdims ? 1 : 0 });
  }

  mul(a: string, b: string): string {
    return this.op1('Mul', [a, b]);
  }

  /**
   * Sums the gradient `g` (shaped like a broadcast result) down to the shape of the forward operand
   * `x`. Statically equal shapes need nothing; otherwise the axes to sum are found at run time, from
   * `Shape(g)` and `Shape(x)` left-padded with 1s, so dynamic sequence lengths work.
   */
  unbroadcast(g: string, x: string, others: string[] = []): string {
    if (sameShape(this.shape(g), this.shape(x))) return g;
    // g has the shape of x broadcast against `others`: when none of them can expand x, that is x's.
    const xs = this.shape(x);
    if (xs && others.length > 0 && others.every((o) => keepsShape(xs, this.shape(o)))) return g;
    return this.unbroadcastTo(g, this.shapeOf(x), xs);
  }

  /** As `unbroadcast`, to a runtime shape tensor (`target`) whose static value may be `known`. */
  unbroadcastTo(g: string, target: string, known: Shape): string {
    const gs = this.shape(g);
    const xs = known;
    if (gs && xs && xs.length <= gs.length) {
      // Fully static case: the summed axes are those where x has a static 1 and g does not, plus the
      // leading axes x lacks. Unknown dims send us to the runtime path.
      const lead = gs.length - xs.length;
      const axes: number[] = [];
      let static_ = true;
      for (let i = 0; i < gs.length; i++) {
        if (i < lead) axes.push(i);
        else {
          const xd = xs[i - lead];
          const gd = gs[i];
          if (xd === gd && xd !== null) continue;
          if (xd === 1) axes.push(i);
          else static_ = false;
        }
      }
      if (static_) {
        if (axes.length === 0) return g;
        const r = this.reduceSum(g, axes, true);
        return this.op1('Reshape', [r, target]);
      }
    }
    const gShape = this.shapeOf(g);
    // rank(g) − rank(x) leading 1s, then x's shape: x's shape as broadcasting sees it.
    const pad = this.op1('Sub', [this.op1('Size', [gShape]), this.op1('Size', [target])]);
    const ones = this.op1('ConstantOfShape', [this.op1('Reshape', [pad, this.ints([1])])], {
      value: tensorI64('value', [1], [1]),
    });
    const padded = this.op1('Concat', [ones, target], { axis: 0 });
    const differ = this.op1('Not', [this.op1('Equal', [padded, gShape])]);
    const axes = this.op1('Reshape', [this.op1('NonZero', [differ]), this.ints([-1])]);
    // noop_with_empty_axes: when nothing was broadcast, ReduceSum passes g through.
    const summed = this.op1('ReduceSum', [g, axes], { keepdims: 1, noop_with_empty_axes: 1 });
    return this.op1('Reshape', [summed, target]);
  }
}

/** True when broadcasting a tensor of shape `xs` against one of shape `os` cannot change `xs`. */
function keepsShape(xs: Dim[], os: Shape): boolean {
  if (!os || os.length > xs.length) return false;
  const lead = xs.length - os.length;
  return os.every((d, i) => {
    const xd = xs[lead + i];
    return d === 1 || (xd !== null && xd === d) || (typeof xd === 'number' && xd !== 1);
  });
}

export function floatTensor(name: string, dims: number[], values: number[], dtype: number): TensorProto {
  const size = dims.reduce((a, b) => a * b, 1);
  const data = size === values.length ? values : new Array(size).fill(values[0]);
  if (dtype === DataType.DOUBLE) {
    const arr = Float64Array.from(data);
    return { name, dims, dataType: DataType.DOUBLE, rawData: new Uint8Array(arr.buffer) };
  }
  const arr = Float32Array.from(data);
  return { name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(arr.buffer) };
}
