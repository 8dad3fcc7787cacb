import { describe, expect, it } from 'vitest';
import { decodeEntry, entryValues, headMatrix } from './decode.js';
import type { AttentionEntry } from './types.js';

const u8 = (bytes: number[], heads: number, rows: number, cols: number): AttentionEntry => ({
  kind: 'self',
  stack: 'encoder',
  layer: 0,
  heads,
  rows,
  cols,
  encoding: 'u8',
  data: Buffer.from(bytes).toString('base64'),
});

describe('decodeEntry', () => {
  it('u8: base64 bytes become byte/255, laid out [head][row][col]', () => {
    const v = decodeEntry(u8([0, 255, 51, 204, 1, 2, 3, 4], 2, 2, 2));
    expect(Array.from(v.subarray(0, 4))).toEqual([0, 1, 0.2, 0.8].map((x) => Math.fround(x)));
    expect(v[7]).toBeCloseTo(4 / 255, 7);
  });

  it('u8: tolerates line breaks in base64, rejects a wrong byte count and bad characters', () => {
    const e = u8([10, 20, 30, 40], 1, 2, 2);
    expect(
      decodeEntry({ ...e, data: `${(e.data as string).slice(0, 4)}\n${(e.data as string).slice(4)}` })[3],
    ).toBeCloseTo(40 / 255);
    expect(() => decodeEntry({ ...e, rows: 3 })).toThrow(/expected 6 bytes, got 4/);
    expect(() => decodeEntry({ ...e, data: '!!!!' })).toThrow(/not valid base64/);
  });

  it('f32: nested arrays are flattened; ragged or non-numeric data is an error', () => {
    const e: AttentionEntry = {
      kind: 'cross',
      stack: 'decoder',
      layer: 1,
      heads: 1,
      rows: 2,
      cols: 3,
      encoding: 'f32',
      data: [
        [
          [0.1, 0.2, 0.7],
          [0.5, 0.5, 0],
        ],
      ],
    };
    expect(Array.from(decodeEntry(e))).toEqual([0.1, 0.2, 0.7, 0.5, 0.5, 0].map((x) => Math.fround(x)));
    expect(() => decodeEntry({ ...e, cols: 2 })).toThrow(/expected 2 columns/);
    expect(() =>
      decodeEntry({
        ...e,
        data: [
          [
            [0.1, 0.2, null as unknown as number],
            [0, 0, 0],
          ],
        ],
      }),
    ).toThrow(/non-number/);
    expect(() => decodeEntry({ ...e, data: 'AAAA' })).toThrow(/heads of f32/);
  });

  it('entryValues decodes an entry once', () => {
    const e = u8([1, 2, 3, 4], 1, 2, 2);
    expect(entryValues(e)).toBe(entryValues(e));
  });
});

describe('headMatrix', () => {
  const e = u8([0, 51, 102, 153, 255, 204, 153, 102], 2, 2, 2);
  const v = decodeEntry(e);

  it('picks one head by position', () => {
    expect(Array.from(headMatrix(v, e, 1))).toEqual([1, 0.8, 0.6, 0.4].map((x) => Math.fround(x)));
  });

  it('averages over heads for mean', () => {
    const m = Array.from(headMatrix(v, e, 'mean'));
    [0.5, 0.5, 0.5, 0.5].forEach((x, i) => {
      expect(m[i]).toBeCloseTo(x, 6);
    });
  });
});
