/**
 * Exposing hidden states on the generated models of each family, fp32 and int8: L + 1 outputs of
 * shape [batch, seq, hidden], taken at the block boundaries the rule in expose-hidden.ts names, the
 * last one feeding the head, and every original output unchanged.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { bytes, encoderStates, families, paddedFeeds } from '../../test/helpers/tiny-graphs.js';
import { node, valueInfo } from './builder.js';
import { exposeAttention } from './expose-attention.js';
import {
  exposeAttentionAndHidden,
  exposeHidden,
  exposeHiddenInPlace,
  HiddenNotExposableError,
} from './expose-hidden.js';
import { GraphIndex } from './graph-index.js';
import { DataType, decodeModel, encodeModel } from './proto.js';
import { readFloat32 } from './tensor-data.js';

const HIDDEN = 32;

interface Case {
  name: string;
  file: Uint8Array;
  stack: 'encoder' | 'decoder';
  /** what the head reads from hidden_states.L */
  head: string;
  /** the tensors the rule must pick, embeddings first */
  expected: RegExp[];
  extra?: () => Promise<Record<string, ort.Tensor>>;
}

const cases: Case[] = ['', '_quantized'].flatMap((q) => [
  {
    name: `bert${q}`,
    file: bytes(families.bert, `onnx/model${q}.onnx`),
    stack: 'encoder' as const,
    head: 'logits',
    expected: [
      /^\/bert\/embeddings\/LayerNorm\//,
      /^\/bert\/encoder\/layer\.0\/output\/LayerNorm\//,
      /^\/bert\/encoder\/layer\.1\/output\/LayerNorm\//,
    ],
  },
  {
    name: `gpt2${q}`,
    file: bytes(families.gpt2, `onnx/model${q}.onnx`),
    stack: 'decoder' as const,
    head: 'logits',
    // pre-LN: wte + wpe, then each block's second residual Add, then ln_f (as HF's hidden_states[-1])
    expected: [/^\/transformer\/Add_output/, /^\/transformer\/h\.0\/Add_1_output/, /^\/transformer\/ln_f\//],
  },
  {
    name: `marian encoder${q}`,
    file: bytes(families.marian, `onnx/encoder_model${q}.onnx`),
    stack: 'encoder' as const,
    head: 'last_hidden_state',
    expected: [/^\/model\/encoder\/Add/, /layers\.0\/final_layer_norm\//, /^last_hidden_state$/],
  },
  {
    name: `marian decoder${q}`,
    file: bytes(families.marian, `onnx/decoder_model${q}.onnx`),
    stack: 'decoder' as const,
    head: 'logits',
    expected: [/^\/model\/decoder\/Add/, /layers\.0\/final_layer_norm\//, /layers\.1\/final_layer_norm\//],
    extra: () => encoderStates(q),
  },
]);

describe.each(cases)('exposeHidden: $name', (c) => {
  it('picks the embedding output and each block output by structure; the last one feeds the head', () => {
    const { hidden } = exposeHidden(c.file, { stack: c.stack });
    expect(hidden.map((h) => h.output)).toEqual(['hidden_states.0', 'hidden_states.1', 'hidden_states.2']);
    hidden.forEach((h, i) => {
      expect(h.tensor).toMatch(c.expected[i]);
    });
    const graph = decodeModel(c.file).graph!;
    const idx = new GraphIndex(graph);
    const last = hidden[2].tensor;
    // the head is computed from hidden_states.L …
    const ancestors = (t: string): Set<string> => {
      const seen = new Set<string>();
      const stack = [t];
      while (stack.length) {
        const x = stack.pop()!;
        if (seen.has(x)) continue;
        seen.add(x);
        for (const i of idx.producer.get(x)?.input ?? []) if (i) stack.push(i);
      }
      return seen;
    };
    expect(ancestors(c.head).has(last)).toBe(true);
    // … and hidden_states.L from every earlier one (one sequential residual stream)
    for (const h of hidden.slice(0, 2)) expect(ancestors(last).has(h.tensor)).toBe(true);
  });

  it('is idempotent: a rewritten graph rewritten again finds the same tensors and adds nothing', () => {
    const once = exposeAttentionAndHidden(c.file, { stack: c.stack });
    const twice = exposeAttentionAndHidden(once.bytes, { stack: c.stack });
    expect(twice.hidden).toEqual(once.hidden);
    expect(decodeModel(twice.bytes).graph!.output!.length).toBe(
      decodeModel(once.bytes).graph!.output!.length,
    );
  });

  it('outputs [batch, seq, hidden] floats and leaves the original outputs bit-identical', async () => {
    const rewritten = exposeAttentionAndHidden(c.file, { stack: c.stack });
    expect(rewritten.hidden).toHaveLength(3);
    expect(rewritten.attention.length).toBeGreaterThan(0);
    const original = await ort.InferenceSession.create(c.file);
    const exposed = await ort.InferenceSession.create(rewritten.bytes);
    const extra = c.extra ? await c.extra() : {};
    const before = await original.run(paddedFeeds(original, extra));
    const after = await exposed.run(paddedFeeds(exposed, extra));
    for (const name of original.outputNames) expect(after[name].data).toEqual(before[name].data);
    for (const h of rewritten.hidden) {
      expect(after[h.output].dims).toEqual([2, 6, HIDDEN]);
      expect(after[h.output].type).toBe('float32');
    }
    // consecutive layers differ (each block writes into the stream)
    const a = after['hidden_states.0'].data as Float32Array;
    const b = after['hidden_states.1'].data as Float32Array;
    expect(a).not.toEqual(b);
    if (c.head === 'last_hidden_state')
      expect(after['hidden_states.2'].data).toEqual(before.last_hidden_state.data);
  });
});

describe('exposeHidden: numbers', () => {
  it("tiny-gpt2's hidden_states.2 times the tied embedding is exactly its logits' input (fp32)", async () => {
    const file = bytes(families.gpt2, 'onnx/model.onnx');
    const { bytes: out } = exposeHidden(file, { stack: 'decoder' });
    const s = await ort.InferenceSession.create(out);
    const r = await s.run(paddedFeeds(s));
    const wte = decodeModel(file).graph!.initializer!.find((t) => t.name === 'transformer.wte.weight')!;
    const [vocab] = wte.dims!.map(Number);
    const w = readFloat32(wte);
    const h = r['hidden_states.2'].data as Float32Array;
    const logits = r.logits.data as Float32Array;
    // position 0 of sequence 0, a few vocabulary entries
    for (const v of [0, 7, vocab - 1]) {
      let dot = 0;
      for (let k = 0; k < HIDDEN; k++) dot += h[k] * w[v * HIDDEN + k];
      expect(Math.abs(dot - logits[v])).toBeLessThan(1e-4);
    }
  });

  it('attention found beforehand is reused, and the rewrite is idempotent', () => {
    const file = bytes(families.bert, 'onnx/model.onnx');
    const model = decodeModel(file);
    const { attention } = exposeAttention(file, { stack: 'encoder' });
    const first = exposeHiddenInPlace(model, { stack: 'encoder', attention });
    const n = model.graph!.output!.length;
    const again = exposeHiddenInPlace(model, { stack: 'encoder' });
    expect(again).toEqual(first);
    expect(model.graph!.output!.length).toBe(n);
  });
});

describe('exposeHidden refuses what it cannot find', () => {
  it('attention without a residual stream', () => {
    // Softmax(x·xᵀ)·x: attention, but no x + f(x) anywhere.
    const plain = encodeModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'no-residual',
        node: [
          node('Transpose', ['x'], ['xt'], { perm: [0, 2, 1] }),
          node('MatMul', ['x', 'xt'], ['s']),
          node('Softmax', ['s'], ['p'], { axis: -1 }),
          node('MatMul', ['p', 'x'], ['y']),
        ],
        input: [valueInfo('x', DataType.FLOAT, [1, 3, 4])],
        output: [valueInfo('y', DataType.FLOAT, [1, 3, 4])],
        initializer: [],
      },
    });
    expect(() => exposeHidden(plain, { stack: 'encoder' })).toThrow(HiddenNotExposableError);
    expect(() => exposeHidden(plain, { stack: 'encoder' })).toThrow(/no residual Add/);
    // the combined rewrite keeps the attention and says why there are no hidden states
    const both = exposeAttentionAndHidden(plain, { stack: 'encoder' });
    expect(both.attention).toHaveLength(1);
    expect(both.hidden).toEqual([]);
    expect(both.hiddenError).toMatch(/no residual Add/);
  });
});
