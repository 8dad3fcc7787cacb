/**
 * ONNX protobuf I/O. The message classes come from `onnx-proto` (static protobufjs code, which runs
 * in workerd where reflection-based protobufjs cannot: workerd forbids `new Function`).
 *
 * int64 fields decode as plain numbers everywhere: protobufjs would return `Long` objects in Node
 * (where it can find the `long` package) and numbers in bundles (where it cannot), so we pin it.
 */
import onnxProto from 'onnx-proto';
import protobuf from 'protobufjs/minimal.js';

// biome-ignore lint/suspicious/noExplicitAny: protobufjs types `util.Long` as the Long constructor.
(protobuf.util as any).Long = undefined;
protobuf.configure();

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

/** ONNX TensorProto.DataType codes used by this project. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  DOUBLE: 11,
} as const;

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** A number from an int64 field (already a number after the configuration above; typed loosely by onnx-proto). */
export function num(v: number | { toNumber(): number } | null | undefined): number {
  if (v == null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}
