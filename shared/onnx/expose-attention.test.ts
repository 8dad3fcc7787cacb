/**
 * Exposing attention on the generated models of each family, fp32 and int8: shapes, rows summing to
 * 1, causality, zero weight on padding, and logits identical to the unmodified graph's.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { bytes, encoderStates, families, paddedFeeds } from '../../test/helpers/tiny-graphs.js';
import { node, valueInfo } from './builder.js';
import { AttentionNotExposableError, exposeAttention } from './expose-attention.js';
import { DataType, encodeModel } from './proto.js';

const HEADS = 4;

interface Case {
  name: string;
  file: Uint8Array;
  stack: 'encoder' | 'decoder';
  extra?: () => Promise<Record<string, ort.Tensor>>;
  kinds: string[];
  causal: boolean;
  /** false where the graph has no mask for its self-attention keys (Marian's decoder, as exported by HF) */
  selfMasked: boolean;
}

const cases: Case[] = ['', '_quantized'].flatMap((q) => [
  {
    name: `bert${q}`,
    file: bytes(families.bert, `onnx/model${q}.onnx`),
    stack: 'encoder',
    kinds: ['self'],
    causal: false,
    selfMasked: true,
  },
  {
    name: `gpt2${q}`,
    file: bytes(families.gpt2, `onnx/model${q}.onnx`),
    stack: 'decoder',
    kinds: ['self'],
    causal: true,
    selfMasked: true,
  },
  {
    name: `marian encoder${q}`,
    file: bytes(families.marian, `onnx/encoder_model${q}.onnx`),
    stack: 'encoder',
    kinds: ['self'],
    causal: false,
    selfMasked: true,
  },
  {
    name: `marian decoder${q}`,
    file: bytes(families.marian, `onnx/decoder_model${q}.onnx`),
    stack: 'decoder',
    extra: () => encoderStates(q),
    kinds: ['cross', 'self'],
    causal: true,
    selfMasked: false,
  },
]);

describe.each(cases)('exposeAttention: $name', (c) => {
  it('classifies one Softmax per layer and attention kind', () => {
    const { attention } = exposeAttention(c.file, { stack: c.stack });
    const kinds = [...new Set(attention.map((a) => a.kind))].sort();
    expect(kinds).toEqual(c.kinds);
    for (const a of attention) expect(a.stack).toBe(c.stack);
    for (const kind of c.kinds)
      expect(attention.filter((a) => a.kind === kind).map((a) => a.layer)).toEqual([0, 1]);
  });

  it('outputs [batch, heads, q, k] probabilities: rows sum to 1, padding and the future get 0, logits unchanged', async () => {
    const rewritten = exposeAttention(c.file, { stack: c.stack });
    const original = await ort.InferenceSession.create(c.file);
    const exposed = await ort.InferenceSession.create(rewritten.bytes);
    const extra = c.extra ? await c.extra() : {};
    const before = await original.run(paddedFeeds(original, extra));
    const after = await exposed.run(paddedFeeds(exposed, extra));
    // The rewrite only adds outputs: every original output is bit-identical.
    for (const name of original.outputNames) expect(after[name].data).toEqual(before[name].data);
    for (const a of rewritten.attention) {
      const t = after[a.output];
      const [b, h, q, k] = t.dims;
      expect([b, h, q, k]).toEqual([2, HEADS, 6, 6]);
      const p = t.data as Float32Array;
      for (let bi = 0; bi < b; bi++)
        for (let hi = 0; hi < h; hi++)
          for (let r = 0; r < q; r++) {
            const row = p.subarray(((bi * h + hi) * q + r) * k, ((bi * h + hi) * q + r + 1) * k);
            expect(Math.abs(row.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-5);
            // padded key positions of the second sequence get exactly zero weight
            if (bi === 1 && (a.kind === 'cross' || c.selfMasked)) expect([row[4], row[5]]).toEqual([0, 0]);
            if (c.causal && a.kind === 'self') for (let col = r + 1; col < k; col++) expect(row[col]).toBe(0);
          }
    }
  });
});

describe('exposeAttention refuses what it cannot expose', () => {
  it('a fused com.microsoft Attention operator, with an error that says why', () => {
    const fused = encodeModel({
      irVersion: 8,
      opsetImport: [
        { domain: '', version: 17 },
        { domain: 'com.microsoft', version: 1 },
      ],
      graph: {
        name: 'fused',
        node: [node('Attention', ['x', 'w', 'b'], ['y'], { num_heads: 2 }, 'Attention_0', 'com.microsoft')],
        input: [valueInfo('x', DataType.FLOAT, [1, 3, 4])],
        output: [valueInfo('y', DataType.FLOAT, [1, 3, 4])],
        initializer: [],
      },
    });
    expect(() => exposeAttention(fused, { stack: 'encoder' })).toThrow(AttentionNotExposableError);
    expect(() => exposeAttention(fused, { stack: 'encoder' })).toThrow(
      /fuses attention.*com\.microsoft\.Attention/,
    );
  });

  it('a graph without attention', () => {
    const plain = encodeModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'plain',
        node: [node('Softmax', ['x'], ['y'], { axis: -1 })],
        input: [valueInfo('x', DataType.FLOAT, [1, 3])],
        output: [valueInfo('y', DataType.FLOAT, [1, 3])],
        initializer: [],
      },
    });
    expect(() => exposeAttention(plain, { stack: 'encoder' })).toThrow(/no attention Softmax/);
  });
});
