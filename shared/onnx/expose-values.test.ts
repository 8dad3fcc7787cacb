/**
 * expose-values on every generated family, fp32 and int8: each attention block gets its values,
 * residual stream and sum, W_O has heads·headDim rows, the original outputs are bit-identical, and
 * the ALTI rows computed from them sum to 1 (self) or to at most 1 (cross: the rest is the residual).
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { bytes, encoderStates, families, paddedFeeds } from '../../test/helpers/tiny-graphs.js';
import { altiBlock } from '../explain/attention/alti.js';
import { exposeAttentionInPlace } from './expose-attention.js';
import { exposeValuesInPlace } from './expose-values.js';
import { decodeModel, encodeModel } from './proto.js';

const cases = ['', '_quantized'].flatMap((q) => [
  {
    name: `bert${q}`,
    file: `onnx/model${q}.onnx`,
    files: families.bert,
    stack: 'encoder' as const,
    ln: true,
  },
  {
    name: `gpt2${q}`,
    file: `onnx/model${q}.onnx`,
    files: families.gpt2,
    stack: 'decoder' as const,
    ln: false,
  },
  {
    name: `marian encoder${q}`,
    file: `onnx/encoder_model${q}.onnx`,
    files: families.marian,
    stack: 'encoder' as const,
    ln: true,
  },
  {
    name: `marian decoder${q}`,
    file: `onnx/decoder_model${q}.onnx`,
    files: families.marian,
    stack: 'decoder' as const,
    ln: true,
    extra: () => encoderStates(q),
  },
]);

describe('exposeValuesInPlace', () => {
  for (const c of cases) {
    it(`${c.name}: every block exposed, outputs unchanged, ALTI rows normalised`, async () => {
      const original = bytes(c.files, c.file);
      const model = decodeModel(original);
      const attention = exposeAttentionInPlace(model, { stack: c.stack });
      const mixing = exposeValuesInPlace(model, attention);
      expect(mixing).toHaveLength(attention.length);
      const session = await ort.InferenceSession.create(encodeModel(model));
      const plain = await ort.InferenceSession.create(original);
      const extra = c.extra ? await c.extra() : {};
      const out = await session.run(paddedFeeds(session, extra));
      const base = await plain.run(paddedFeeds(plain, extra));
      for (const name of plain.outputNames)
        expect(Array.from(out[name].data as Float32Array)).toEqual(
          Array.from(base[name].data as Float32Array),
        );
      for (const m of mixing) {
        expect(!!m.layerNorm).toBe(c.ln);
        const alpha = out[m.attention.output];
        const [, heads, rows, cols] = alpha.dims.map(Number);
        expect(m.wO.length).toBe(m.hidden * m.hidden);
        // first example of the padded batch (6 real tokens)
        const take = (t: ort.Tensor, per: number) => (t.data as Float32Array).subarray(0, per);
        const block = altiBlock({
          kind: m.attention.kind,
          alpha: take(alpha, heads * rows * cols),
          values: take(out[m.values], (heads * cols * m.hidden) / heads),
          wO: m.wO,
          heads,
          rows,
          cols,
          hidden: m.hidden,
          skip: take(out[m.skip], rows * m.hidden),
          sum: take(out[m.sum], rows * m.hidden),
          layerNorm: m.layerNorm,
        });
        for (let i = 0; i < rows; i++) {
          const s = Array.from(block.data.subarray(i * cols, (i + 1) * cols)).reduce((a, b) => a + b, 0);
          if (m.attention.kind === 'self') expect(s).toBeCloseTo(1, 5);
          else expect(s).toBeLessThanOrEqual(1 + 1e-6);
        }
      }
    });
  }
});
