/**
 * The int8 models the edge serves draw the same attention as their fp32 originals, within a stated
 * tolerance: max |Δp| ≤ 0.05 per weight and mean |Δp| ≤ 0.005 (measured: brown-sentiment 0.012 /
 * 0.0007, brown-gpt 0.021 / 0.0013, tiny-bert 0.044 / 0.0021, tiny-marian 0.022 / 0.0034).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../../models/tiny/bert.js';
import { buildTinyMarian } from '../../../models/tiny/marian.js';
import { diskReader, loadLocal, memoryReader } from '../../../node/host.js';
import type { ReadFile } from '../../runtime/model.js';
import { explainAttention } from './document.js';

const MAX_ABS = 0.05;
const MEAN_ABS = 0.005;

const cases: { id: string; read: () => ReadFile; text: string; target?: string; present: boolean }[] = [
  {
    id: 'tiny-bert',
    read: () => memoryReader(buildTinyBert().files),
    text: 'the cat sat on the mat',
    present: true,
  },
  {
    id: 'tiny-marian',
    read: () => memoryReader(buildTinyMarian().files),
    text: 'the red house',
    target: 'the house',
    present: true,
  },
  ...(['brown-sentiment', 'brown-gpt'] as const).map((id) => ({
    id,
    read: () => diskReader(`models/${id}`),
    text: 'It was a happy and peaceful day in the old town, the committee said.',
    present: existsSync(`models/${id}/onnx/model.onnx`),
  })),
];

describe.each(cases)('int8 vs fp32 attention: $id', (c) => {
  it.skipIf(!c.present)(`agrees within ${MAX_ABS} (max) and ${MEAN_ABS} (mean) per weight`, async () => {
    const read = c.read();
    const [a, b] = await Promise.all(
      (['fp32', 'int8'] as const).map(async (p) =>
        explainAttention(await loadLocal(c.id, read, p), c.text, { target_text: c.target }),
      ),
    );
    let max = 0;
    let sum = 0;
    let n = 0;
    a.attention!.forEach((e, k) => {
      const x = (e.data as number[][][]).flat(2);
      const y = (b.attention![k].data as number[][][]).flat(2);
      expect(y.length).toBe(x.length);
      x.forEach((v, i) => {
        const d = Math.abs(v - y[i]);
        max = Math.max(max, d);
        sum += d;
        n++;
      });
    });
    expect(max).toBeLessThan(MAX_ABS);
    expect(sum / n).toBeLessThan(MEAN_ABS);
  });
});
