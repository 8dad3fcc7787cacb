/**
 * Turns attention matrices into a document entry in one of two encodings: `f32` nested arrays
 * [head][row][col], or `u8` one byte per weight (p = byte/255), base64.
 */
import type { AttentionTensor } from '../../runtime/forward.js';
import type { AttentionEntry } from '../../schema/document.js';
import { aggregateHeads, type HeadAggregate } from './heads.js';
import { headsOf, type Matrix } from './matrix.js';

export type Encoding = 'f32' | 'u8';

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  // Chunked: String.fromCharCode with a spread argument list overflows the stack past ~100k bytes.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The shortest decimal that reads back as the same float32 (not a double's 17-digit tail). */
export function shortestFloat32(x: number): number {
  for (let p = 6; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return Number(x.toPrecision(9));
}

export function encodeMatrices(mats: Matrix[], encoding: Encoding): AttentionEntry['data'] {
  if (encoding === 'u8') {
    const size = mats[0].rows * mats[0].cols;
    const bytes = new Uint8Array(mats.length * size);
    mats.forEach((m, k) => {
      for (let i = 0; i < size; i++)
        bytes[k * size + i] = Math.round(Math.min(1, Math.max(0, m.data[i])) * 255);
    });
    return toBase64(bytes);
  }
  return mats.map((m) =>
    Array.from({ length: m.rows }, (_, r) =>
      Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols), (p) => shortestFloat32(Math.fround(p))),
    ),
  );
}

export interface EntryOptions {
  heads?: number[];
  aggregate: 'none' | HeadAggregate;
  encoding: Encoding;
}

/** The selected heads' matrices, or their mean or max as one matrix. */
export function selectHeads(t: AttentionTensor, opts: Pick<EntryOptions, 'heads' | 'aggregate'>): Matrix[] {
  const [, h, rows, cols] = t.tensor.dims;
  const all = headsOf(t.tensor.data as Float32Array, h, rows, cols);
  const mats = opts.heads ? opts.heads.map((i) => all[i]) : all;
  return opts.aggregate === 'none' ? mats : [aggregateHeads(mats, opts.aggregate)];
}

export function attentionEntry(t: AttentionTensor, opts: EntryOptions): AttentionEntry {
  const [, h, rows, cols] = t.tensor.dims;
  const mats = selectHeads(t, opts);
  return {
    kind: t.info.kind,
    stack: t.info.stack,
    layer: t.info.layer,
    heads: mats.length,
    head_ids: opts.heads ?? Array.from({ length: h }, (_, i) => i),
    ...(opts.aggregate !== 'none' ? { aggregate: opts.aggregate } : {}),
    rows,
    cols,
    encoding: opts.encoding,
    data: encodeMatrices(mats, opts.encoding),
  };
}
