/**
 * Norm-based attention and ALTI read from tiny-bert's rewritten graph (exposed values, residual
 * stream and sums, W_O and γ from the initializers) against a float64 computation written here from
 * the model's weights, per layer, from that layer's input hidden state.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { bytes, families } from '../../../test/helpers/tiny-graphs.js';
import { exposeAttentionInPlace } from '../../onnx/expose-attention.js';
import { exposeHiddenInPlace } from '../../onnx/expose-hidden.js';
import { exposeValuesInPlace } from '../../onnx/expose-values.js';
import { DataType, decodeModel, encodeModel, type ModelProto } from '../../onnx/proto.js';
import { readFloat32 } from '../../onnx/tensor-data.js';
import { altiBlock } from './alti.js';
import type { Matrix } from './matrix.js';
import { normPerHead, normSummed } from './norm.js';

const H = 4;
const D = 32;
const d = D / H;
const IDS = [2, 9, 13, 17, 21, 3];
const n = IDS.length;

function weights(model: ModelProto) {
  const byName = new Map(
    (model.graph!.initializer ?? [])
      .filter((t) => t.dataType === DataType.FLOAT)
      .map((t) => [t.name!, Array.from(readFloat32(t))]),
  );
  return (name: string) => {
    const w = byName.get(name);
    if (!w) throw new Error(`no initializer ${name}`);
    return w;
  };
}

/** x [n][D] · W [D, out] + b, float64 */
const lin = (x: number[][], w: number[], b: number[]) =>
  x.map((row) => b.map((bc, c) => row.reduce((s, xv, k) => s + xv * w[k * b.length + c], bc)));
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** The reference for one BERT layer: α, f^h(x_j), and the GlobEnc contributions. */
function reference(x: number[][], W: (n: string) => number[], l: number) {
  const P = `bert.encoder.layer.${l}.attention`;
  const q = lin(x, W(`${P}.self.query.weight`), W(`${P}.self.query.bias`));
  const k = lin(x, W(`${P}.self.key.weight`), W(`${P}.self.key.bias`));
  const v = lin(x, W(`${P}.self.value.weight`), W(`${P}.self.value.bias`));
  const wO = W(`${P}.output.dense.weight`);
  const bO = W(`${P}.output.dense.bias`);
  const gamma = W(`${P}.output.LayerNorm.weight`);
  const alpha = Array.from({ length: H }, (_, h) =>
    q.map((qi) => {
      const s = k.map((kj) => {
        let t = 0;
        for (let c = 0; c < d; c++) t += qi[h * d + c] * kj[h * d + c];
        return t / Math.sqrt(d);
      });
      const m = Math.max(...s);
      const e = s.map((t) => Math.exp(t - m));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((t) => t / z);
    }),
  );
  // f^h(x_j) = v^h_j · W_O[h·d … (h+1)·d)
  const f = Array.from({ length: H }, (_, h) =>
    v.map((vj) =>
      Array.from({ length: D }, (_, c) => {
        let t = 0;
        for (let e = 0; e < d; e++) t += vj[h * d + e] * wO[(h * d + e) * D + c];
        return t;
      }),
    ),
  );
  const z = (i: number, j: number) =>
    Array.from({ length: D }, (_, c) => {
      let t = i === j ? x[i][c] : 0;
      for (let h = 0; h < H; h++) t += alpha[h][i][j] * f[h][j][c];
      return t;
    });
  const lnApplied = (vec: number[], sigma: number) => {
    const m = vec.reduce((a, b) => a + b, 0) / D;
    return vec.map((t, c) => (gamma[c] * (t - m)) / sigma);
  };
  const alti = x.map((_, i) => {
    const s = Array.from({ length: n }, (_, j) => z(i, j)).reduce(
      (acc, zj) => acc.map((t, c) => t + zj[c]),
      bO.slice(),
    );
    const m = s.reduce((a, b) => a + b, 0) / D;
    const sigma = Math.sqrt(s.reduce((a, t) => a + (t - m) ** 2, 0) / D + 1e-12);
    const row = Array.from({ length: n }, (_, j) => norm(lnApplied(z(i, j), sigma)));
    const tot = row.reduce((a, b) => a + b, 0);
    return row.map((t) => t / tot);
  });
  const perHead = alpha.map((ah, h) => ah.map((row, _i) => row.map((a, j) => a * norm(f[h][j]))));
  const summed = x.map((_, i) =>
    Array.from({ length: n }, (_, j) =>
      norm(Array.from({ length: D }, (_, c) => f.reduce((t, fh, h) => t + alpha[h][i][j] * fh[j][c], 0))),
    ),
  );
  return { alti, perHead, summed };
}

const rowsOf = (m: Matrix) =>
  Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));

function expectClose(got: number[][], want: number[][], tol = 1e-5) {
  expect(got.length).toBe(want.length);
  for (const [i, row] of got.entries())
    for (const [j, g] of row.entries()) expect(Math.abs(g - want[i][j])).toBeLessThan(tol);
}

describe('context mixing on tiny-bert (fp32)', async () => {
  const model = decodeModel(bytes(families.bert, 'onnx/model.onnx'));
  const W = weights(model);
  const attention = exposeAttentionInPlace(model, { stack: 'encoder' });
  exposeHiddenInPlace(model, { stack: 'encoder', attention });
  const mixing = exposeValuesInPlace(model, attention);
  const session = await ort.InferenceSession.create(encodeModel(model));
  const i64 = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), [1, v.length]);
  const out = await session.run({
    input_ids: i64(IDS),
    attention_mask: i64(IDS.map(() => 1)),
    token_type_ids: i64(IDS.map(() => 0)),
  });

  it('finds W_O, γ and the tensors of every layer, and the original outputs are unchanged', async () => {
    expect(mixing.map((m) => [m.hidden, !!m.layerNorm])).toEqual([
      [D, true],
      [D, true],
    ]);
    const plain = await ort.InferenceSession.create(bytes(families.bert, 'onnx/model.onnx'));
    const base = await plain.run({
      input_ids: i64(IDS),
      attention_mask: i64(IDS.map(() => 1)),
      token_type_ids: i64(IDS.map(() => 0)),
    });
    expect(Array.from(out.logits.data as Float32Array)).toEqual(Array.from(base.logits.data as Float32Array));
  });

  for (const l of [0, 1]) {
    it(`layer ${l}: norm-based attention and ALTI match the float64 reference within 1e-5`, () => {
      const m = mixing[l];
      const hidden = out[`hidden_states.${l}`].data as Float32Array;
      const x = Array.from({ length: n }, (_, i) => Array.from(hidden.subarray(i * D, (i + 1) * D)));
      const ref = reference(x, W, l);
      const block = {
        kind: 'self' as const,
        alpha: out[m.attention.output].data as Float32Array,
        values: out[m.values].data as Float32Array,
        wO: m.wO,
        heads: H,
        rows: n,
        cols: n,
        hidden: m.hidden,
        skip: out[m.skip].data as Float32Array,
        sum: out[m.sum].data as Float32Array,
        layerNorm: m.layerNorm,
      };
      for (const [h, mat] of normPerHead(block).entries()) expectClose(rowsOf(mat), ref.perHead[h]);
      expectClose(rowsOf(normSummed(block)), ref.summed);
      expectClose(rowsOf(altiBlock(block)), ref.alti);
    });
  }
});

describe('norm-based attention', () => {
  it('with identity value and output projections is raw attention times ‖x_j‖', () => {
    const x = [
      [3, 4],
      [1, 0],
      [0, -2],
    ];
    const alpha = [0.2, 0.5, 0.3, 0.6, 0.1, 0.3, 0.25, 0.25, 0.5];
    const [m] = normPerHead({
      alpha: Float32Array.from(alpha),
      values: Float32Array.from(x.flat()),
      wO: Float32Array.from([1, 0, 0, 1]),
      heads: 1,
      rows: 3,
      cols: 3,
      hidden: 2,
    });
    const want = [0, 1, 2].map((i) => [0, 1, 2].map((j) => Math.fround(alpha[i * 3 + j]) * norm(x[j])));
    expectClose(rowsOf(m), want, 1e-6);
  });
});
