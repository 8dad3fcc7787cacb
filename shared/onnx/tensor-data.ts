/** Reads the values of an initializer, whichever field the exporter put them in. */
import { DataType, num, type TensorProto } from './proto.js';

export function tensorDims(t: TensorProto): number[] {
  return (t.dims ?? []).map(num);
}

export function readFloat32(t: TensorProto): Float32Array {
  if (t.dataType !== DataType.FLOAT)
    throw new Error(`tensor ${t.name}: expected FLOAT, got data type ${t.dataType}`);
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData;
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return Float32Array.from(t.floatData ?? []);
}

export function readInt64(t: TensorProto): number[] {
  if (t.dataType !== DataType.INT64)
    throw new Error(`tensor ${t.name}: expected INT64, got data type ${t.dataType}`);
  if (t.rawData && t.rawData.length > 0) {
    const raw = t.rawData;
    return Array.from(
      new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)),
      Number,
    );
  }
  return (t.int64Data ?? []).map(num);
}
