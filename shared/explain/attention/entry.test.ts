import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { AttentionTensor } from '../../runtime/forward.js';
import { attentionEntry, toBase64 } from './entry.js';

// Two heads over a 2×3 matrix with known rows.
const data = Float32Array.from([0.2, 0.3, 0.5, 1, 0, 0, 0.6, 0.2, 0.2, 0, 0.5, 0.5]);
const t: AttentionTensor = {
  info: { output: 'encoder_attentions.0', kind: 'self', stack: 'encoder', layer: 0, node: 'sm' },
  tensor: new ort.Tensor('float32', data, [1, 2, 2, 3]),
};
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

describe('attentionEntry', () => {
  it('f32 keeps [head][row][col]', () => {
    const e = attentionEntry(t, { aggregate: 'none', encoding: 'f32' });
    expect(e.data).toEqual([
      [
        [0.2, 0.3, 0.5],
        [1, 0, 0],
      ],
      [
        [0.6, 0.2, 0.2],
        [0, 0.5, 0.5],
      ],
    ]);
    expect([e.heads, e.rows, e.cols, e.head_ids]).toEqual([2, 2, 3, [0, 1]]);
  });

  it('u8 stores round(255·p), one byte per weight', () => {
    const e = attentionEntry(t, { aggregate: 'none', encoding: 'u8' });
    const bytes = fromBase64(e.data as string);
    expect(Array.from(bytes)).toEqual(Array.from(data, (p) => Math.round(255 * p)));
  });

  it('selects heads and averages them', () => {
    const one = attentionEntry(t, { heads: [1], aggregate: 'none', encoding: 'f32' });
    expect(one.data).toEqual([
      [
        [0.6, 0.2, 0.2],
        [0, 0.5, 0.5],
      ],
    ]);
    const mean = attentionEntry(t, { aggregate: 'mean', encoding: 'f32' });
    expect(mean.heads).toBe(1);
    expect(mean.aggregate).toBe('mean');
    expect((mean.data as number[][][])[0][0]).toEqual([0.4, 0.25, 0.35]);
  });

  it('base64-encodes large buffers without overflowing the stack', () => {
    const big = new Uint8Array(300_000).map((_, i) => i % 256);
    expect(fromBase64(toBase64(big))).toEqual(big);
  });
});
