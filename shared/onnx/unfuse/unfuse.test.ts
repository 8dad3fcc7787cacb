/**
 * Each unfuse rewrite against onnxruntime's own fused kernel: a one-op graph with the contrib op, run
 * by onnxruntime-node and onnxruntime-web (WASM), and the rewritten graph, on the same random inputs.
 * Tolerance: max |fused − unfused| ≤ 1e-5 · max(1, max |fused|) in float32 for every op, MatMulNBits
 * included (its constant weights are dequantized exactly; ORT's kernel at accuracy_level 0 computes
 * in float32 too). The rewritten graph runs with graph optimisations disabled, so that onnxruntime
 * cannot fuse it back into the kernel under test. The attention rewrites must also give exposeAttention a Softmax whose rows sum to 1
 * and put 0 on masked keys; every rewritten graph's gradient is checked against finite differences.
 */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { finiteDifferenceCheck } from '../../../test/helpers/fd-check.js';
import { createSessionFactory, type Feeds } from '../../runtime/session.js';
import { Rng } from '../../util/random.js';
import { gradientModel } from '../autodiff/gradient-model.js';
import { type AttrValue, makeModel, node, tensorF32, tensorU8, valueInfo } from '../builder.js';
import { exposeAttentionInPlace } from '../expose-attention.js';
import { DataType, decodeModel, encodeModel, type ModelProto, type TensorProto } from '../proto.js';
import { readFloat32 } from '../tensor-data.js';
import { fusedOps, UnfuseNotSupportedError, unfuseInPlace } from './index.js';

type Ort = typeof ortNode;
const F = DataType.FLOAT;

interface In {
  name: string;
  dims: number[];
  /** int32 0/1 mask instead of float values */
  mask?: number[];
  /** int64 values (position ids) instead of float values */
  ids?: number[];
}

/** RoPE caches [8 positions, h/2 = 4]: angle p·θᵢ, θᵢ = 10000^(−2i/8). */
function rope(): TensorProto[] {
  const angle = (p: number, i: number) => p * 10000 ** (-(2 * i) / 8);
  const table = (f: (a: number) => number) =>
    Array.from({ length: 32 }, (_, k) => f(angle(Math.floor(k / 4), k % 4)));
  return [tensorF32('cos', [8, 4], table(Math.cos)), tensorF32('sin', [8, 4], table(Math.sin))];
}

interface Case {
  name: string;
  op: string;
  domain?: string;
  inputs: (In | string)[];
  /** initializers the op reads (weights) */
  inits?: (rng: Rng) => TensorProto[];
  attrs?: Record<string, AttrValue>;
  /** output names, '' for an optional output left out */
  outputs: string[];
  /** attention ops: [batch, keys] mask the probabilities must respect (1 = key visible) */
  keyMask?: number[][];
  causal?: boolean;
  /** onnxruntime has no CPU/WASM kernel (BiasAdd is CUDA-only): checked against its definition instead */
  definition?: (x: Record<string, Float32Array>, init: Record<string, Float32Array>) => Float32Array;
}

const w = (rng: Rng, name: string, dims: number[], std = 0.3) =>
  tensorF32(
    name,
    dims,
    rng.normals(
      dims.reduce((a, b) => a * b, 1),
      std,
    ),
  );

/** 4-bit weights [N, blocks, 8 bytes] with their scales and packed zero points (K = 32, N = 8, blocks of 16). */
function nbits(rng: Rng, zeroPoints: boolean): TensorProto[] {
  const [N, K, block] = [8, 32, 16];
  const blocks = K / block;
  const q = new Uint8Array((N * blocks * block) / 2);
  for (let i = 0; i < q.length; i++) q[i] = Math.floor(rng.next() * 256);
  const scales = Float32Array.from({ length: N * blocks }, () => 0.02 + 0.05 * rng.next());
  const out = [tensorU8('B', [N, blocks, block / 2], q), tensorF32('scales', [N * blocks], scales)];
  if (zeroPoints) {
    const zp = new Uint8Array(N * Math.ceil(blocks / 2));
    for (let i = 0; i < zp.length; i++) zp[i] = Math.floor(rng.next() * 256);
    out.push(tensorU8('zp', [zp.length], zp));
  }
  return out;
}

const PAD = [
  [1, 1, 1, 1, 1],
  [1, 1, 1, 0, 0],
];
const KEY_PAD = [
  [1, 1, 1, 1, 1, 1],
  [1, 1, 1, 1, 0, 0],
];

const CASES: Case[] = [
  {
    name: 'Attention, 2-D mask_index',
    op: 'Attention',
    inputs: [{ name: 'x', dims: [2, 5, 16] }, 'W', 'b', { name: 'mask', dims: [2, 5], mask: PAD.flat() }],
    inits: (r) => [w(r, 'W', [16, 48]), w(r, 'b', [48], 0.1)],
    attrs: { num_heads: 4 },
    outputs: ['y'],
    keyMask: PAD,
  },
  {
    name: 'Attention, unidirectional, qkv_hidden_sizes, scale, attention_bias',
    op: 'Attention',
    inputs: [{ name: 'x', dims: [2, 5, 16] }, 'W', 'b', '', '', { name: 'bias', dims: [1, 4, 5, 5] }],
    inits: (r) => [w(r, 'W', [16, 40]), w(r, 'b', [40], 0.1)],
    attrs: { num_heads: 4, unidirectional: 1, qkv_hidden_sizes: [16, 16, 8], scale: { float: 0.3 } },
    outputs: ['y'],
    causal: true,
  },
  {
    name: 'MultiHeadAttention, bias, key_padding_mask',
    op: 'MultiHeadAttention',
    inputs: [
      { name: 'q', dims: [2, 5, 16] },
      { name: 'k', dims: [2, 6, 16] },
      { name: 'v', dims: [2, 6, 8] },
      'b',
      { name: 'mask', dims: [2, 6], mask: KEY_PAD.flat() },
    ],
    inits: (r) => [w(r, 'b', [40], 0.1)],
    attrs: { num_heads: 4 },
    outputs: ['y'],
    keyMask: KEY_PAD,
  },
  {
    name: 'SkipLayerNormalization, all outputs',
    op: 'SkipLayerNormalization',
    inputs: [{ name: 'x', dims: [2, 5, 16] }, { name: 's', dims: [2, 5, 16] }, 'g', 'beta', 'b'],
    inits: (r) => [w(r, 'g', [16], 1), w(r, 'beta', [16]), w(r, 'b', [16])],
    attrs: { epsilon: { float: 1e-5 } },
    outputs: ['y', 'mean', 'inv_std', 'sum'],
  },
  {
    name: 'SkipSimplifiedLayerNormalization, bias, sum',
    op: 'SkipSimplifiedLayerNormalization',
    inputs: [{ name: 'x', dims: [2, 5, 16] }, { name: 's', dims: [2, 5, 16] }, 'g', 'b'],
    inits: (r) => [w(r, 'g', [16], 1), w(r, 'b', [16])],
    attrs: { epsilon: { float: 1e-6 } },
    outputs: ['y', '', '', 'sum'],
  },
  {
    name: 'SimplifiedLayerNormalization (RMSNorm), inv_std_var',
    op: 'SimplifiedLayerNormalization',
    domain: '',
    inputs: [{ name: 'x', dims: [2, 5, 16] }, 'g'],
    inits: (r) => [w(r, 'g', [16], 1)],
    attrs: { axis: -1, epsilon: { float: 1e-6 } },
    outputs: ['y', 'inv_std'],
  },
  {
    name: 'FastGelu with bias',
    op: 'FastGelu',
    inputs: [{ name: 'x', dims: [2, 5, 16] }, 'b'],
    inits: (r) => [w(r, 'b', [16])],
    outputs: ['y'],
  },
  { name: 'FastGelu', op: 'FastGelu', inputs: [{ name: 'x', dims: [2, 5, 16] }], outputs: ['y'] },
  {
    name: 'BiasGelu',
    op: 'BiasGelu',
    inputs: [{ name: 'x', dims: [2, 5, 16] }, 'b'],
    inits: (r) => [w(r, 'b', [16])],
    outputs: ['y'],
  },
  { name: 'Gelu', op: 'Gelu', inputs: [{ name: 'x', dims: [2, 5, 16] }], outputs: ['y'] },
  {
    name: 'BiasAdd',
    op: 'BiasAdd',
    inputs: [{ name: 'x', dims: [2, 5, 16] }, 'b', { name: 's', dims: [2, 5, 16] }],
    inits: (r) => [w(r, 'b', [16])],
    outputs: ['y'],
    definition: ({ x, s }, { b }) => x.map((v, i) => v + b[i % 16] + s[i]),
  },
  ...([0, 1] as const).flatMap((interleaved) => [
    {
      name: `RotaryEmbedding [B, S, N·h], interleaved ${interleaved}`,
      op: 'RotaryEmbedding',
      inputs: [
        { name: 'x', dims: [2, 5, 16] },
        { name: 'pos', dims: [2, 5], ids: [0, 1, 2, 3, 4, 3, 4, 5, 6, 7] },
        'cos',
        'sin',
      ],
      inits: rope,
      attrs: { interleaved, num_heads: 2 } as Record<string, AttrValue>,
      outputs: ['y'],
    },
    {
      name: `RotaryEmbedding [B, N, S, h], interleaved ${interleaved}`,
      op: 'RotaryEmbedding',
      inputs: [
        { name: 'x', dims: [2, 2, 5, 8] },
        { name: 'pos', dims: [2, 5], ids: [0, 1, 2, 3, 4, 3, 4, 5, 6, 7] },
        'cos',
        'sin',
      ],
      inits: rope,
      attrs: { interleaved } as Record<string, AttrValue>,
      outputs: ['y'],
    },
  ]),
  {
    name: 'MatMulNBits 4-bit, zero points, bias',
    op: 'MatMulNBits',
    inputs: [{ name: 'x', dims: [2, 5, 32] }, 'B', 'scales', 'zp', '', 'bias'],
    inits: (r) => [...nbits(r, true), w(r, 'bias', [8])],
    attrs: { K: 32, N: 8, bits: 4, block_size: 16 },
    outputs: ['y'],
  },
  {
    name: 'MatMulNBits 4-bit, default zero point',
    op: 'MatMulNBits',
    inputs: [{ name: 'x', dims: [2, 5, 32] }, 'B', 'scales'],
    inits: (r) => nbits(r, false),
    attrs: { K: 32, N: 8, bits: 4, block_size: 16 },
    outputs: ['y'],
  },
];

function build(c: Case, rng: Rng): { model: ModelProto; feeds: (ort: Ort) => Feeds; wrt: string[] } {
  const data = c.inputs.filter((i): i is In => typeof i !== 'string');
  const values = data.map((i) =>
    i.mask
      ? Int32Array.from(i.mask)
      : i.ids
        ? BigInt64Array.from(i.ids.map(BigInt))
        : rng.normals(
            i.dims.reduce((a, b) => a * b, 1),
            1,
          ),
  );
  const model = makeModel(
    {
      name: c.name,
      node: [
        node(
          c.op,
          c.inputs.map((i) => (typeof i === 'string' ? i : i.name)),
          c.outputs,
          c.attrs ?? {},
          `/fused/${c.op}`,
          c.domain ?? 'com.microsoft',
        ),
      ],
      initializer: c.inits?.(rng) ?? [],
      input: data.map((i) => valueInfo(i.name, i.mask ? DataType.INT32 : i.ids ? DataType.INT64 : F, i.dims)),
      output: c.outputs.filter(Boolean).map((o) => ({ name: o, type: { tensorType: { elemType: F } } })),
    },
    { opset: 17, extraOpsets: { 'com.microsoft': 1 } },
  );
  const feeds = (ort: Ort) =>
    Object.fromEntries(
      data.map((i, k) => [
        i.name,
        new ort.Tensor(i.mask ? 'int32' : i.ids ? 'int64' : 'float32', values[k] as Float32Array, i.dims),
      ]),
    ) as Feeds;
  return { model, feeds, wrt: data.filter((i) => !i.mask && !i.ids).map((i) => i.name) };
}

const unfused = (m: ModelProto) => {
  const copy = decodeModel(encodeModel(m));
  return { model: copy, report: unfuseInPlace(copy) };
};

/** max |a − b| and that over max(1, max |a|) */
function diff(a: Float32Array, b: Float32Array) {
  let abs = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    abs = Math.max(abs, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return { abs, rel: abs / scale };
}

const measured: Record<string, string> = {};

beforeAll(() => {
  ortWeb.env.wasm.numThreads = 1;
});

describe.each(CASES)('unfuse $name', (c) => {
  it('rewrites the op into default-domain ops only', () => {
    const { model, report } = unfused(build(c, new Rng(3)).model);
    expect(fusedOps(model)).toEqual([]);
    expect(report.refused).toEqual([]);
    expect(Object.values(report.rewritten)).toEqual([1]);
    measured[`${c.name} nodes`] = `${report.nodesBefore} → ${report.nodesAfter}`;
  });

  it.runIf(c.definition)('matches its definition (no onnxruntime CPU kernel to compare with)', async () => {
    const { model, feeds } = build(c, new Rng(3));
    const f = feeds(ortNode);
    const x = Object.fromEntries(Object.entries(f).map(([k, t]) => [k, t.data as Float32Array]));
    const init = Object.fromEntries(model.graph!.initializer!.map((t) => [t.name!, readFloat32(t)]));
    const plain = await ortNode.InferenceSession.create(encodeModel(unfused(model).model));
    const y = (await plain.run(f)).y.data as Float32Array;
    const d = diff(c.definition!(x, init), y);
    measured[`${c.name} definition y`] = `abs ${d.abs.toExponential(1)} rel ${d.rel.toExponential(1)}`;
    expect(d.rel).toBeLessThanOrEqual(1e-6);
  });

  it.skipIf(c.definition).each([
    ['node', ortNode],
    ['web', ortWeb as unknown as Ort],
  ])("matches onnxruntime-%s's fused kernel", async (host, ort) => {
    const { model, feeds } = build(c, new Rng(3));
    const fused = await ort.InferenceSession.create(encodeModel(model));
    // Optimisations off for the rewrite: ORT's own fusions (Gelu, Attention, LayerNorm) would
    // otherwise turn it back into the fused kernel and compare that with itself.
    const plain = await ort.InferenceSession.create(encodeModel(unfused(model).model), {
      graphOptimizationLevel: 'disabled',
    });
    const a = await fused.run(feeds(ort));
    const b = await plain.run(feeds(ort));
    for (const o of c.outputs.filter(Boolean)) {
      expect(b[o].dims, o).toEqual(a[o].dims);
      const d = diff(a[o].data as Float32Array, b[o].data as Float32Array);
      measured[`${c.name} ${host} ${o}`] = `abs ${d.abs.toExponential(1)} rel ${d.rel.toExponential(1)}`;
      expect(d.rel, `${o} on ${host}`).toBeLessThanOrEqual(1e-5);
    }
  });

  it('has gradients that match finite differences', async () => {
    const { model, feeds, wrt } = build(c, new Rng(3));
    const m = unfused(model).model;
    // target = Σ R ⊙ first output, R random, so that no gradient is trivially constant.
    const rng = new Rng(9);
    const factory = createSessionFactory(ortNode, { logSeverityLevel: 3 });
    const y = c.outputs[0];
    const dims = (await (await factory.create(encodeModel(m))).run(feeds(ortNode)))[y].dims as number[];
    m.graph!.initializer!.push(w(rng, 'R', dims, 1));
    m.graph!.node!.push(
      node('Mul', [y, 'R'], ['weighted']),
      node('ReduceSum', ['weighted'], ['target'], { keepdims: 0 }),
    );
    m.graph!.output = [{ name: 'target', type: { tensorType: { elemType: F } } }];
    const forward = await factory.create(encodeModel(m));
    const gradient = await factory.create(encodeModel(gradientModel(m, { wrt, target: 'target' })));
    const report = await finiteDifferenceCheck(forward, gradient, feeds(ortNode), wrt, 'target', {
      eps: 1e-2,
      maxElements: 40,
    });
    measured[`${c.name} fd`] = `rel ${report.relError.toExponential(1)}`;
    expect(report.relError).toBeLessThan(1e-3);
  });

  it.runIf(c.keyMask || c.causal)(
    'exposes the attention probabilities: rows sum to 1, masked keys get 0',
    async () => {
      const { model, feeds } = build(c, new Rng(3));
      const m = unfused(model).model;
      const found = exposeAttentionInPlace(m, { stack: 'encoder' });
      expect(found.map((a) => [a.kind, a.layer])).toEqual([['self', 0]]);
      const out = await (await ortNode.InferenceSession.create(encodeModel(m))).run(feeds(ortNode));
      const p = out[found[0].output];
      const [b, h, s, t] = p.dims as number[];
      const data = p.data as Float32Array;
      for (let row = 0; row < b * h * s; row++) {
        const r = data.subarray(row * t, (row + 1) * t);
        expect(r.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
        const [bi, qi] = [Math.floor(row / (h * s)), row % s];
        for (let k = 0; k < t; k++) {
          if (c.keyMask && c.keyMask[bi][k] === 0) expect(r[k]).toBe(0);
          if (c.causal && k > qi) expect(r[k]).toBe(0);
        }
      }
      void h;
    },
  );
});

describe('unfuse refusals', () => {
  const attention = (inputs: string[], attrs: Record<string, AttrValue>, outputs = ['y']) =>
    makeModel(
      {
        name: 'refused',
        node: [node('Attention', inputs, outputs, attrs, '/enc/Attention', 'com.microsoft')],
        input: [
          valueInfo('x', F, [1, 3, 8]),
          valueInfo('W', F, [8, 24]),
          valueInfo('lens', DataType.INT32, [1]),
        ],
        output: [valueInfo('y', F, [1, 3, 8])],
      },
      { extraOpsets: { 'com.microsoft': 1 } },
    );

  it.each([
    [['x', 'W', '', 'lens'], { num_heads: 2 }, ['y'], 'input "mask_index" of rank 1'],
    [['x', 'W', '', '', 'past'], { num_heads: 2 }, ['y'], 'input "past"'],
    [['x', 'W'], { num_heads: 2, do_rotary: 1 }, ['y'], 'do_rotary'],
    [['x', 'W'], {}, ['y'], 'num_heads'],
  ] as const)('refuses %j %j by name', (inputs, attrs, outputs, what) => {
    const m = attention([...inputs], attrs, [...outputs]);
    const report = unfuseInPlace(m);
    expect(report.refused).toHaveLength(1);
    const e = report.refused[0];
    expect(e).toBeInstanceOf(UnfuseNotSupportedError);
    expect(e.op).toBe('com.microsoft.Attention');
    expect(e.message).toContain(what);
    expect(e.message).toContain('/enc/Attention');
    // the node is kept, so a forward-only run still has it
    expect(fusedOps(m)).toEqual(['com.microsoft.Attention']);
  });

  it('names an operator it has no rewrite for', () => {
    const m = makeModel(
      {
        name: 'gqa',
        node: [
          node('GroupQueryAttention', ['q'], ['h'], { num_heads: 2 }, '/gqa', 'com.microsoft'),
          node('Mul', ['h', 'h'], ['y']),
        ],
        input: [valueInfo('q', F, [1, 3, 8])],
        output: [valueInfo('y', F, [1, 3, 8])],
      },
      { extraOpsets: { 'com.microsoft': 1 } },
    );
    expect(unfuseInPlace(m).refused[0].message).toMatch(/com\.microsoft\.GroupQueryAttention.*no rewrite/);
    // and the gradient through the op that stays is refused by name (its output type is not inferred)
    expect(() => gradientModel(m, { wrt: ['q'], target: 'y' })).toThrow(
      /com\.microsoft\/GroupQueryAttention \(node "\/gqa"\)/,
    );
  });
});

describe('figures', () => {
  it('prints what was measured', () => {
    console.table(measured);
    expect(Object.keys(measured).length).toBeGreaterThan(0);
  });
});
