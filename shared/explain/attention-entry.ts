/**
 * Turns one exposed attention tensor into a document entry: head selection, the head mean, and the
 * two encodings (`f32` nested arrays; `u8` one byte per weight, p = byte/255, base64).
 */

import type { AttentionTensor } from '../runtime/forward.js';
import type { AttentionEntry } from '../schema/document.js';

export interface EntryOptions {
  heads?: number[];
  aggregate: 'none' | 'mean';
  encoding: 'f32' | 'u8';
}

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

/** The selected heads' matrices, [head][row*cols+col], averaged into one when aggregating. */
export function selectHeads(
  t: AttentionTensor,
  opts: Pick<EntryOptions, 'heads' | 'aggregate'>,
): Float32Array[] {
  const [, h, rows, cols] = t.tensor.dims;
  const data = t.tensor.data as Float32Array;
  const size = rows * cols;
  const ids = opts.heads ?? Array.from({ length: h }, (_, i) => i);
  const mats = ids.map((id) => data.subarray(id * size, (id + 1) * size));
  if (opts.aggregate !== 'mean') return mats;
  const mean = new Float32Array(size);
  for (const m of mats) for (let i = 0; i < size; i++) mean[i] += m[i] / mats.length;
  return [mean];
}

export function attentionEntry(t: AttentionTensor, opts: EntryOptions): AttentionEntry {
  const [, h, rows, cols] = t.tensor.dims;
  const headIds = opts.heads ?? Array.from({ length: h }, (_, i) => i);
  const mats = selectHeads(t, opts);
  let data: AttentionEntry['data'];
  if (opts.encoding === 'u8') {
    const bytes = new Uint8Array(mats.length * rows * cols);
    mats.forEach((m, k) => {
      for (let i = 0; i < m.length; i++)
        bytes[k * m.length + i] = Math.round(Math.min(1, Math.max(0, m[i])) * 255);
    });
    data = toBase64(bytes);
  } else {
    data = mats.map((m) =>
      Array.from({ length: rows }, (_, r) =>
        Array.from(m.subarray(r * cols, (r + 1) * cols), shortestFloat32),
      ),
    );
  }
  return {
    kind: t.info.kind,
    stack: t.info.stack,
    layer: t.info.layer,
    heads: mats.length,
    head_ids: headIds,
    ...(opts.aggregate === 'mean' ? { aggregate: 'mean' as const } : {}),
    rows,
    cols,
    encoding: opts.encoding,
    data,
  };
}
