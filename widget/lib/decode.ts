/** Attention entry payloads (u8 base64 or nested f32 arrays) → flat Float32Arrays. */
import { WidgetError } from './errors.js';
import type { AttentionEntry } from './types.js';

/** All values of an entry, laid out [head][row][col]; u8 bytes become byte/255. */
export function decodeEntry(e: AttentionEntry): Float32Array {
  const n = e.heads * e.rows * e.cols;
  const out = new Float32Array(n);
  if (e.encoding === 'u8') {
    if (typeof e.data !== 'string') throw bad(e, 'u8 data must be a base64 string');
    // Uint8Array.fromBase64 (Chromium 140+, Firefox 133+, Safari 18.2+) skips the binary string
    // atob makes: a third of the time on a 1,024-token entry. Both ignore whitespace and throw on
    // other non-base64 characters.
    const U8 = Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array };
    let bin: string | Uint8Array;
    try {
      bin = U8.fromBase64 ? U8.fromBase64(e.data) : atob(e.data);
    } catch {
      throw bad(e, 'u8 data is not valid base64');
    }
    if (bin.length !== n) throw bad(e, `expected ${n} bytes, got ${bin.length}`);
    if (typeof bin === 'string') for (let i = 0; i < n; i++) out[i] = bin.charCodeAt(i) / 255;
    else for (let i = 0; i < n; i++) out[i] = bin[i] / 255;
    return out;
  }
  const d = e.data;
  if (!Array.isArray(d) || d.length !== e.heads) throw bad(e, `expected ${e.heads} heads of f32 data`);
  let i = 0;
  for (const head of d) {
    if (!Array.isArray(head) || head.length !== e.rows) throw bad(e, `expected ${e.rows} rows per head`);
    for (const row of head) {
      if (!Array.isArray(row) || row.length !== e.cols) throw bad(e, `expected ${e.cols} columns per row`);
      for (const v of row) {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(e, 'f32 data holds a non-number');
        out[i++] = v;
      }
    }
  }
  return out;
}

function bad(e: AttentionEntry, why: string): WidgetError {
  return new WidgetError(`${e.stack} ${e.kind}-attention, layer ${e.layer}: ${why}`, 'invalid_document');
}

// Decoding is per entry and only for the entry on screen; switching heads reuses it.
const cache = new WeakMap<AttentionEntry, Float32Array>();

export function entryValues(e: AttentionEntry): Float32Array {
  let v = cache.get(e);
  if (!v) {
    v = decodeEntry(e);
    cache.set(e, v);
  }
  return v;
}

/**
 * One rows×cols matrix: head `index` (position in data, not model head id), the mean over heads, or
 * their element-wise max with rows renormalised to sum to 1 (what the API's `aggregate: max` sends).
 */
export function headMatrix(
  values: Float32Array,
  e: AttentionEntry,
  index: number | 'mean' | 'max',
): Float32Array {
  const size = e.rows * e.cols;
  if (index !== 'mean' && index !== 'max') return values.subarray(index * size, (index + 1) * size);
  if (e.heads === 1) return values.subarray(0, size);
  const out = new Float32Array(size);
  if (index === 'max') {
    out.set(values.subarray(0, size));
    for (let h = 1; h < e.heads; h++) {
      const base = h * size;
      for (let i = 0; i < size; i++) if (values[base + i] > out[i]) out[i] = values[base + i];
    }
    for (let r = 0; r < e.rows; r++) {
      let sum = 0;
      for (let c = 0; c < e.cols; c++) sum += out[r * e.cols + c];
      if (sum > 0) for (let c = 0; c < e.cols; c++) out[r * e.cols + c] /= sum;
    }
    return out;
  }
  for (let h = 0; h < e.heads; h++) {
    const base = h * size;
    for (let i = 0; i < size; i++) out[i] += values[base + i];
  }
  for (let i = 0; i < size; i++) out[i] /= e.heads;
  return out;
}
