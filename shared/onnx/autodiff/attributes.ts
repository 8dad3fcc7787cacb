/**
 * Readers for what a node or a small constant says about itself: attributes with their defaults,
 * integer constants, whether an element type is floating point. Shape inference (./shapes.ts) and
 * the gradient rules (./rules/) read nodes through these.
 */
import { DataType, type NodeProto, num, type TensorProto } from '../proto.js';
import { readInt64 } from '../tensor-data.js';

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.DOUBLE, 10 /* FLOAT16 */, 16 /* BFLOAT16 */]);

export function isFloatType(t: number | undefined): boolean {
  return t !== undefined && FLOAT_TYPES.has(t);
}

/** Integer values of a small constant tensor (INT64 or INT32), or null when not int. */
export function tensorInts(t: TensorProto): number[] | null {
  if (t.dataType === DataType.INT64) return readInt64(t);
  if (t.dataType === DataType.INT32) {
    if (t.rawData && t.rawData.length > 0) {
      const raw = t.rawData;
      return Array.from(new Int32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
    }
    return (t.int32Data ?? []).slice();
  }
  return null;
}

export function attrOf(n: NodeProto, name: string) {
  return (n.attribute ?? []).find((a) => a.name === name);
}

export function attrInt(n: NodeProto, name: string, fallback: number): number {
  const a = attrOf(n, name);
  return a ? num(a.i) : fallback;
}

export function attrInts(n: NodeProto, name: string): number[] | undefined {
  const a = attrOf(n, name);
  return a ? (a.ints ?? []).map(num) : undefined;
}

export function attrFloat(n: NodeProto, name: string, fallback: number): number {
  const a = attrOf(n, name);
  return a ? (a.f ?? fallback) : fallback;
}

export function attrString(n: NodeProto, name: string, fallback: string): string {
  const a = attrOf(n, name);
  return a?.s ? new TextDecoder().decode(a.s) : fallback;
}

export function attrTensor(n: NodeProto, name: string): TensorProto | undefined {
  return attrOf(n, name)?.t ?? undefined;
}
