/**
 * Small constructors for ONNX graph pieces, shared by the graph rewrites, the quantizer and the
 * test-model generator.
 */
import {
  type AttributeProto,
  DataType,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  onnx,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';

export type AttrValue =
  | number
  | string
  | number[]
  | Float32Array
  | TensorProto
  | { floats: number[] }
  /** a FLOAT attribute whatever its value (a plain integer number would become INT) */
  | { float: number };

/** Builds an AttributeProto: integers become INT, other numbers FLOAT (or `{ float }`), arrays INTS. */
export function attr(name: string, value: AttrValue): AttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: A.INT, i: value } : { name, type: A.FLOAT, f: value };
  }
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if (value instanceof Float32Array) return { name, type: A.FLOATS, floats: Array.from(value) };
  if ('floats' in value) return { name, type: A.FLOATS, floats: value.floats };
  if ('float' in value) return { name, type: A.FLOAT, f: value.float };
  return { name, type: A.TENSOR, t: value };
}

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, AttrValue> = {},
  name?: string,
  domain?: string,
): NodeProto {
  return {
    opType,
    input: inputs,
    output: outputs,
    name: name ?? outputs[0],
    attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)),
    ...(domain ? { domain } : {}),
  };
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
}

export function tensorF32(name: string, dims: number[], data: Float32Array | number[]): TensorProto {
  const arr = data instanceof Float32Array ? data : Float32Array.from(data);
  return { name, dims, dataType: DataType.FLOAT, rawData: bytesOf(arr) };
}

export function tensorI64(name: string, dims: number[], data: number[]): TensorProto {
  return { name, dims, dataType: DataType.INT64, rawData: bytesOf(BigInt64Array.from(data.map(BigInt))) };
}

export function tensorU8(name: string, dims: number[], data: Uint8Array): TensorProto {
  return { name, dims, dataType: DataType.UINT8, rawData: data.slice() };
}

export function tensorI8(name: string, dims: number[], data: Int8Array): TensorProto {
  return { name, dims, dataType: DataType.INT8, rawData: bytesOf(data) };
}

/** A graph input/output declaration; string dims are symbolic (dim_param). */
export function valueInfo(name: string, elemType: number, dims: (number | string)[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

export interface ModelOptions {
  /** Default-domain opset; 17 has LayerNormalization as a single op. */
  opset?: number;
  /** ONNX IR version; 8 is the first that opset 17 allows. */
  irVersion?: number;
  producer?: string;
  /** Extra opset imports, e.g. `{ 'com.microsoft': 1 }`. */
  extraOpsets?: Record<string, number>;
}

/** Wraps a graph into a ModelProto with its opset imports. */
export function makeModel(graph: GraphProto, opts: ModelOptions = {}): ModelProto {
  const opsetImport = [{ domain: '', version: opts.opset ?? 17 }];
  for (const [domain, version] of Object.entries(opts.extraOpsets ?? {}))
    opsetImport.push({ domain, version });
  return onnx.ModelProto.create({
    irVersion: opts.irVersion ?? 8,
    producerName: opts.producer ?? 'attn-heatmap',
    opsetImport,
    graph,
  });
}
