/**
 * A graph under construction, with the naming scheme of PyTorch's ONNX exporter (what HF exports
 * look like): node `<scope>/<OpType>` (then `_1`, `_2` … for repeats in one scope), outputs
 * `<node>_output_<i>`. Analyses find attention by these names, e.g. `/bert/encoder/layer.0/attention/self/Softmax`.
 */
import {
  type AttrValue,
  makeModel,
  node,
  tensorF32,
  tensorI64,
  valueInfo,
} from '../../shared/onnx/builder.js';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../shared/onnx/proto.js';
import type { Rng } from '../../shared/util/random.js';

export interface OpOptions {
  attrs?: Record<string, AttrValue>;
  /** Explicit output names (graph outputs such as `logits`); default `<node>_output_<i>`. */
  outputs?: string[];
  /** How many outputs when `outputs` is not given. */
  numOutputs?: number;
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  readonly #names = new Map<string, number>();
  readonly #consts = new Map<string, string>();

  constructor(
    readonly name: string,
    readonly rng: Rng,
  ) {}

  /** Adds a node named `<scope>/<opType>[_n]`; returns its output names. */
  op(scope: string, opType: string, inputs: string[], opts: OpOptions = {}): string[] {
    const base = `${scope}/${opType}`;
    const n = this.#names.get(base) ?? 0;
    this.#names.set(base, n + 1);
    const name = n === 0 ? base : `${base}_${n}`;
    const outputs =
      opts.outputs ?? Array.from({ length: opts.numOutputs ?? 1 }, (_, i) => `${name}_output_${i}`);
    this.nodes.push(node(opType, inputs, outputs, opts.attrs ?? {}, name));
    return outputs;
  }

  /** Single-output shorthand for `op`. */
  op1(scope: string, opType: string, inputs: string[], opts: OpOptions = {}): string {
    return this.op(scope, opType, inputs, opts)[0];
  }

  /** A float parameter drawn from normal(0, std) (or filled with `fill` when given). */
  param(name: string, dims: number[], std: number, fill?: number): string {
    const size = dims.reduce((a, b) => a * b, 1);
    const data = fill === undefined ? this.rng.normals(size, std) : new Float32Array(size).fill(fill);
    this.initializers.push(tensorF32(name, dims, data));
    return name;
  }

  /** A float initializer with given values. */
  tensor(name: string, dims: number[], data: Float32Array | number[]): string {
    this.initializers.push(tensorF32(name, dims, data));
    return name;
  }

  /** An int64 constant, shared between all users of the same value; `[]` dims make a scalar. */
  constI64(values: number[], dims: number[] = [values.length]): string {
    const key = `i64:${dims.join('x')}:${values.join(',')}`;
    let name = this.#consts.get(key);
    if (!name) {
      name = `const_i64_${this.#consts.size}`;
      this.initializers.push(tensorI64(name, dims, values));
      this.#consts.set(key, name);
    }
    return name;
  }

  /** A float constant, shared like `constI64`. */
  constF32(values: number[], dims: number[] = [values.length]): string {
    const key = `f32:${dims.join('x')}:${values.join(',')}`;
    let name = this.#consts.get(key);
    if (!name) {
      name = `const_f32_${this.#consts.size}`;
      this.initializers.push(tensorF32(name, dims, values));
      this.#consts.set(key, name);
    }
    return name;
  }

  input(name: string, elemType: number, dims: (number | string)[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: (number | string)[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  model(): ModelProto {
    return makeModel({
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
  }
}
