/** The inputs_embeds rewrite: same outputs as the ids model, for every family, fp32 and int8. */
import { describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../models/tiny/bert.js';
import { buildTinyGpt2 } from '../../models/tiny/gpt2.js';
import { buildTinyMarian } from '../../models/tiny/marian.js';
import { nodeOrt, nodeSessionFactory } from '../../node/host.js';
import { batchFeeds } from '../explain/saliency/batch-feeds.js';
import type { Feeds } from '../runtime/session.js';
import { makeModel, node, tensorF32, tensorI64, valueInfo } from './builder.js';
import {
  embed,
  embeddingMatrix,
  findWordEmbedding,
  INPUTS_EMBEDS,
  withInputsEmbeds,
} from './inputs-embeds.js';
import { DataType, decodeModel, encodeModel, type ModelProto } from './proto.js';

const factory = nodeSessionFactory();
const ctx = { ort: nodeOrt, heads: 4, headDim: 8 };
const bert = buildTinyBert().files;
const gpt2 = buildTinyGpt2().files;
const marian = buildTinyMarian().files;
const load = (files: Record<string, Uint8Array | string>, path: string) =>
  decodeModel(files[path] as Uint8Array);

async function runBoth(model: ModelProto, ids: number[], extra: Feeds = {}) {
  const matrix = embeddingMatrix(model);
  const rewritten = withInputsEmbeds(model);
  const a = await factory.create(encodeModel(model));
  const b = await factory.create(encodeModel(rewritten));
  const embeds = new nodeOrt.Tensor('float32', embed(matrix, ids), [1, ids.length, matrix.hidden]);
  const outA = await a.run(batchFeeds(ctx, a.inputNames, ids, 1, extra));
  const outB = await b.run(batchFeeds(ctx, b.inputNames, ids, 1, { ...extra, [INPUTS_EMBEDS]: embeds }));
  return { outA, outB, rewritten, inputs: b.inputNames };
}

function expectSame(x: ArrayLike<number>, y: ArrayLike<number>) {
  expect(y.length).toBe(x.length);
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  expect(max).toBeLessThan(1e-5);
}

describe('withInputsEmbeds', () => {
  for (const q of ['', '_quantized']) {
    it(`tiny-bert${q}: same logits; input_ids gone; the table is dropped`, async () => {
      const model = load(bert, `onnx/model${q}.onnx`);
      const { outA, outB, rewritten, inputs } = await runBoth(model, [2, 7, 9, 11, 3]);
      expectSame(outA.logits.data as Float32Array, outB.logits.data as Float32Array);
      expect(inputs).not.toContain('input_ids');
      expect(inputs).toContain(INPUTS_EMBEDS);
      expect(
        rewritten.graph!.initializer!.some((t) => t.name === 'bert.embeddings.word_embeddings.weight'),
      ).toBe(false);
    });

    it(`tiny-gpt2${q}: same logits; the tied LM head keeps the table`, async () => {
      const model = load(gpt2, `onnx/model${q}.onnx`);
      const { outA, outB, rewritten, inputs } = await runBoth(model, [5, 6, 7, 8]);
      expectSame(outA.logits.data as Float32Array, outB.logits.data as Float32Array);
      expect(inputs).not.toContain('input_ids');
      expect(rewritten.graph!.initializer!.some((t) => t.name === 'transformer.wte.weight')).toBe(true);
    });

    it(`tiny-marian${q}: encoder and decoder, each with its own inputs_embeds`, async () => {
      const enc = load(marian, `onnx/encoder_model${q}.onnx`);
      const dec = load(marian, `onnx/decoder_model${q}.onnx`);
      const src = [5, 9, 12, 2];
      const e = await runBoth(enc, src);
      expectSame(
        e.outA.last_hidden_state.data as Float32Array,
        e.outB.last_hidden_state.data as Float32Array,
      );
      const extra = {
        encoder_hidden_states: e.outA.last_hidden_state,
        encoder_attention_mask: new nodeOrt.Tensor('int64', BigInt64Array.from(src.map(() => 1n)), [
          1,
          src.length,
        ]),
      };
      const d = await runBoth(dec, [1, 6, 7], extra);
      expectSame(d.outA.logits.data as Float32Array, d.outB.logits.data as Float32Array);
      expect(d.inputs).not.toContain('input_ids');
      expect(findWordEmbedding(dec.graph!).table.name).toBe('model.shared.weight');
    });
  }

  it('before opset 15 (no Shape start/end), Shape(input_ids) becomes a Slice of Shape(inputs_embeds)', async () => {
    // emb = table[ids] + position (0 … s−1, from Shape(ids)), opset 14.
    const model = makeModel(
      {
        name: 'opset14',
        node: [
          node('Gather', ['table', 'input_ids'], ['emb']),
          node('Shape', ['input_ids'], ['shape']),
          node('Gather', ['shape', 'one'], ['len'], { axis: 0 }),
          node('Range', ['zero', 'len', 'one'], ['pos']),
          node('Cast', ['pos'], ['posf'], { to: DataType.FLOAT }),
          node('Unsqueeze', ['posf', 'axes'], ['pos2']),
          node('Add', ['emb', 'pos2'], ['y']),
        ],
        initializer: [
          tensorF32('table', [6, 1], [0, 10, 20, 30, 40, 50]),
          tensorI64('one', [], [1]),
          tensorI64('zero', [], [0]),
          tensorI64('axes', [1], [-1]),
        ],
        input: [valueInfo('input_ids', DataType.INT64, ['b', 's'])],
        output: [valueInfo('y', DataType.FLOAT, ['b', 's', 1])],
      },
      { opset: 14 },
    );
    const rewritten = withInputsEmbeds(model);
    expect(rewritten.graph!.input!.map((i) => i.name)).toEqual([INPUTS_EMBEDS]);
    const s = await factory.create(encodeModel(rewritten));
    const embeds = new nodeOrt.Tensor('float32', embed(embeddingMatrix(model), [3, 1, 4]), [1, 3, 1]);
    const y = (await s.run({ [INPUTS_EMBEDS]: embeds })).y.data as Float32Array;
    expect(Array.from(y)).toEqual([30, 11, 42]);
  });

  it('embeddingMatrix reads the table; embed picks rows', () => {
    const m = embeddingMatrix(load(bert, 'onnx/model.onnx'));
    expect(m.hidden).toBe(32);
    expect(embed(m, [3]).slice(0, 4)).toEqual(m.data.slice(3 * 32, 3 * 32 + 4));
    expect(() => embed(m, [m.vocab])).toThrow(/outside the vocabulary/);
  });
});
