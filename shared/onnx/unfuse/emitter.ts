/**
 * What every unfuse rewrite builds with: primitive nodes named after the fused node they replace,
 * constants as initializers, and the opset-dependent spellings (ReduceMean's axes became an input in
 * opset 18, Split's sizes in 13). Rewrites throw `UnfuseNotSupportedError` for what they cannot
 * express, naming the operator and the attribute or input.
 */

import type { ShapeInfo } from '../autodiff/shapes.js';
import { type AttrValue, node, tensorF32, tensorI64 } from '../builder.js';
import type { NodeProto, TensorProto } from '../proto.js';

export class UnfuseNotSupportedError extends Error {
  readonly code = 'fused_op_not_supported';
  constructor(
    /** `domain.OpType`, e.g. `com.microsoft.Attention` */
    readonly op: string,
    /** the node's name */
    readonly nodeName: string,
    /** the attribute, input or output that is not supported, and why */
    readonly what: string,
  ) {
    super(`cannot rewrite ${op} (node "${nodeName}") into primitive ONNX ops: ${what}`);
  }
}

export const opName = (n: NodeProto) => `${n.domain || 'ai.onnx'}.${n.opType}`;

export class Emitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  readonly base: string;
  #count = 0;

  constructor(
    readonly fused: NodeProto,
    readonly opset: number,
    readonly shapes: ShapeInfo,
    /** the graph's initializers by name (constant weights) */
    readonly constants: ReadonlyMap<string, TensorProto>,
  ) {
    this.base = `${fused.name || fused.output![0]}/unfused`;
  }

  /** Input `i` of the fused node, or undefined where it is absent (missing or ''). */
  input(i: number): string | undefined {
    const v = this.fused.input?.[i];
    return v ? v : undefined;
  }

  /** Output `i` of the fused node, or undefined where the graph does not ask for it. */
  output(i: number): string | undefined {
    const v = this.fused.output?.[i];
    return v ? v : undefined;
  }

  refuse(what: string): never {
    throw new UnfuseNotSupportedError(opName(this.fused), this.fused.name ?? '', what);
  }

  #fresh(tag: string): string {
    return `${this.base}/${tag}_${this.#count++}`;
  }

  /** Adds one node; its single output is `out` or a fresh name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, out?: string): string {
    const name = this.#fresh(opType);
    const o = out ?? `${name}_output_0`;
    this.nodes.push(node(opType, inputs, [o], attrs, name));
    return o;
  }

  /** Adds one node with several outputs. */
  opN(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}): string[] {
    this.nodes.push(node(opType, inputs, outputs, attrs, this.#fresh(opType)));
    return outputs;
  }

  constF(values: number[] | Float32Array, dims: number[] = []): string {
    const t = tensorF32(this.#fresh('const'), dims, values);
    this.initializers.push(t);
    return t.name!;
  }

  constI(values: number[], dims: number[] = [values.length]): string {
    const t = tensorI64(this.#fresh('const'), dims, values);
    this.initializers.push(t);
    return t.name!;
  }

  addInitializer(t: TensorProto): string {
    this.initializers.push(t);
    return t.name!;
  }

  reduceMean(x: string, axes: number[]): string {
    return this.opset >= 18
      ? this.op('ReduceMean', [x, this.constI(axes)], { keepdims: 1 })
      : this.op('ReduceMean', [x], { axes, keepdims: 1 });
  }

  /** Splits along `axis` into parts of the given sizes (outputs as named). */
  split(x: string, sizes: number[], axis: number, outputs: string[]): string[] {
    return this.opset >= 13
      ? this.opN('Split', [x, this.constI(sizes)], outputs, { axis })
      : this.opN('Split', [x], outputs, { axis, split: sizes });
  }

  unsqueeze(x: string, axes: number[]): string {
    return this.op('Unsqueeze', [x, this.constI(axes)]);
  }

  /** The reduction axes of a normalization over `axis` … last, as negative indices where possible. */
  normAxes(x: string, axis: number): number[] {
    if (axis < 0) return Array.from({ length: -axis }, (_, i) => axis + i);
    const rank = this.shapes.rank(x);
    if (rank === undefined) this.refuse(`axis ${axis} is positive and the rank of "${x}" is not known`);
    return Array.from({ length: rank - axis }, (_, i) => axis + i);
  }
}
