/**
 * Whole-model gradients, for each tiny model family, with respect to the input embeddings:
 * - the gradient model's forward value equals the original model's output (the target computed in JS
 *   from its logits);
 * - the gradient equals central finite differences of the fp32 model (all perturbations batched in
 *   one run). Error measure: ‖analytic − numeric‖₂ / ‖numeric‖₂ over all elements of
 *   inputs_embeds, ε = 1e-2 (float32 models: smaller ε drowns in rounding, larger in curvature).
 * - int8 models: the gradient is that of the dequantized surrogate (float MatMuls with the dequantized
 *   weights), checked against its finite differences (the int8 function itself is piecewise constant
 *   in the activations' rounding), and compared with the fp32 model's (cosine similarity).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../../models/tiny/bert.js';
import type { ModelFiles } from '../../../models/tiny/files.js';
import { buildTinyGpt2 } from '../../../models/tiny/gpt2.js';
import { buildTinyMarian } from '../../../models/tiny/marian.js';
import { nodeOrt, nodeSessionFactory } from '../../../node/host.js';
import { batchFeeds } from '../../explain/saliency/batch-feeds.js';
import { createSaliencyContext, type SaliencyContext } from '../../explain/saliency/index.js';
import type { AttributionInput } from '../../explain/saliency/types.js';
import { appendTarget, type TargetSpec, targetFeeds, targetFromLogits } from '../../explain/targets.js';
import { readModelMeta } from '../../runtime/model.js';
import type { Feeds } from '../../runtime/session.js';
import { withInputsEmbeds } from '../inputs-embeds.js';
import { decodeModel, encodeModel } from '../proto.js';
import { gradientModel } from './gradient-model.js';

const factory = nodeSessionFactory();
const reader = (m: ModelFiles) => async (path: string) => {
  const f = m.files[path];
  return typeof f === 'string' ? new TextEncoder().encode(f) : f;
};

async function context(m: ModelFiles, precision: 'fp32' | 'int8'): Promise<SaliencyContext> {
  const meta = await readModelMeta('tiny', reader(m));
  return createSaliencyContext({ ...meta, precision }, reader(m), factory);
}

/** The target from the *original* graphs' logits. */
async function reference(
  m: ModelFiles,
  family: string,
  input: AttributionInput,
  target: TargetSpec,
): Promise<number> {
  const ctx = { ort: nodeOrt, heads: 4, headDim: 8 };
  const open = (p: string) => factory.create(m.files[p] as Uint8Array);
  let logits: Feeds[string];
  if (family === 'encoder-decoder') {
    const enc = await open('onnx/encoder_model.onnx');
    const dec = await open('onnx/decoder_model.onnx');
    const h = (await enc.run(batchFeeds(ctx, enc.inputNames, input.ids, 1, {}))).last_hidden_state;
    const mask = new nodeOrt.Tensor('int64', BigInt64Array.from(input.ids.map(() => 1n)), [
      1,
      input.ids.length,
    ]);
    logits = (
      await dec.run(
        batchFeeds(ctx, dec.inputNames, input.decoderIds!, 1, {
          encoder_hidden_states: h,
          encoder_attention_mask: mask,
        }),
      )
    ).logits;
  } else {
    const s = await open('onnx/model.onnx');
    logits = (await s.run(batchFeeds(ctx, s.inputNames, input.ids, 1, {}))).logits;
  }
  return targetFromLogits(logits.data as Float32Array, logits.dims, target);
}

interface Family {
  name: string;
  family: string;
  files: ModelFiles;
  input: AttributionInput;
  target: TargetSpec;
  /** stated tolerance on the relative L2 error against finite differences */
  tol: number;
}

const FAMILIES: Family[] = [
  {
    name: 'tiny-bert (class probability)',
    family: 'encoder',
    files: buildTinyBert(),
    input: { ids: [2, 17, 33, 9, 3] },
    target: { score: 'probability', tokens: [2] },
    tol: 2e-3,
  },
  {
    name: 'tiny-gpt2 (log-probability of a token)',
    family: 'decoder',
    files: buildTinyGpt2(),
    input: { ids: [5, 17, 33, 9, 40] },
    target: { score: 'log_probability', tokens: [12], positions: [4] },
    tol: 2e-3,
  },
  {
    name: 'tiny-marian (span log-probability, source side)',
    family: 'encoder-decoder',
    files: buildTinyMarian(),
    input: { ids: [15, 27, 33, 2], decoderIds: [1, 20, 21] },
    target: { score: 'log_probability', tokens: [20, 21], positions: [0, 1] },
    tol: 2e-3,
  },
];

const measured: string[] = [];

/** ‖analytic − numeric‖₂ / ‖numeric‖₂, all ±ε perturbations of all elements in one batched run. */
async function fdError(
  f: (e: Float32Array, b: number, i: AttributionInput, t: TargetSpec) => Promise<Float32Array>,
  x: Float32Array,
  grads: Float32Array,
  c: Family,
  eps: number,
): Promise<number> {
  const n = x.length;
  const perturbed = new Float32Array(2 * n * n);
  for (let i = 0; i < n; i++) {
    perturbed.set(x, 2 * i * n);
    perturbed.set(x, (2 * i + 1) * n);
    perturbed[2 * i * n + i] += eps;
    perturbed[(2 * i + 1) * n + i] -= eps;
  }
  const fs = await f(perturbed, 2 * n, c.input, c.target);
  let diff2 = 0;
  let norm2 = 0;
  for (let i = 0; i < n; i++) {
    const step = x[i] + eps - (x[i] - eps);
    const fd = (fs[2 * i] - fs[2 * i + 1]) / step;
    diff2 += (fd - grads[i]) ** 2;
    norm2 += fd * fd;
  }
  return Math.sqrt(diff2 / norm2);
}

describe('whole-model gradients', () => {
  for (const f of FAMILIES) {
    it(`${f.name}: forward value equals the original model's, gradient matches finite differences`, async () => {
      const ctx = await context(f.files, 'fp32');
      const program = ctx.program({ score: f.target.score, contrast: false });
      const x = ctx.embed(f.input.ids);
      const { values, grads } = await program.gradient(x, 1, f.input, f.target);
      const ref = await reference(f.files, f.family, f.input, f.target);
      expect(Math.abs(values[0] - ref)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref)));

      const eps = 1e-2;
      const rel = await fdError(program.forward, x, grads, f, eps);
      measured.push(
        `${f.name}: relative L2 error ${rel.toExponential(2)} over ${x.length} elements (ε = ${eps})`,
      );
      expect(rel).toBeLessThan(f.tol);
    });

    it(`${f.name}, int8: the dequantized surrogate's exact gradient, close to the fp32 one`, async () => {
      const fp = await context(f.files, 'fp32');
      const q = await context(f.files, 'int8');
      const kind = { score: f.target.score, contrast: false };
      const x = fp.embed(f.input.ids);
      const a = (await fp.program(kind).gradient(x, 1, f.input, f.target)).grads;
      const qp = q.program(kind);
      const b = (await qp.gradient(x, 1, f.input, f.target)).grads;
      const rel = await fdError(qp.surrogate!, x, b, f, 1e-2);
      measured.push(
        `${f.name}, int8: relative L2 error against finite differences of the surrogate ${rel.toExponential(2)}`,
      );
      expect(rel).toBeLessThan(f.tol);
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < a.length; i++) {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
      }
      const cos = dot / Math.sqrt(na * nb);
      measured.push(`${f.name}, int8 vs fp32 gradient: cosine ${cos.toFixed(4)}`);
      expect(cos).toBeGreaterThan(0.9);
    });
  }

  it('gradientModel on an int8 graph itself: forward exactly the int8 model, straight-through gradient', async () => {
    const f = FAMILIES[0];
    const bytes = f.files.files['onnx/model_quantized.onnx'] as Uint8Array;
    const forward = appendTarget(withInputsEmbeds(decodeModel(bytes)), { score: f.target.score });
    const grad = await factory.create(
      encodeModel(gradientModel(forward, { wrt: ['inputs_embeds'], target: 'target' })),
    );
    const ctx = await context(f.files, 'int8');
    const x = ctx.embed(f.input.ids);
    const feeds = batchFeeds({ ort: nodeOrt, heads: 4, headDim: 8 }, grad.inputNames, f.input.ids, 1, {
      inputs_embeds: new nodeOrt.Tensor('float32', x, [1, f.input.ids.length, 32]),
      ...targetFeeds(nodeOrt, f.target, grad.inputNames),
    });
    const out = await grad.run(feeds);
    const [int8Value] = await ctx.program({ score: f.target.score }).forward(x, 1, f.input, f.target);
    expect((out.target.data as Float32Array)[0]).toBe(int8Value);
    // Its gradient (dequantized weights, int8 activations) is close to the surrogate's exact one.
    const exact = (await ctx.program({ score: f.target.score }).gradient(x, 1, f.input, f.target)).grads;
    const g = out['grad.inputs_embeds'].data as Float32Array;
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < g.length; i++) {
      dot += g[i] * exact[i];
      na += g[i] * g[i];
      nb += exact[i] * exact[i];
    }
    measured.push(
      `tiny-bert int8, straight-through gradient of the int8 graph vs the surrogate's: cosine ${(dot / Math.sqrt(na * nb)).toFixed(4)}`,
    );
    expect(dot / Math.sqrt(na * nb)).toBeGreaterThan(0.95);
  });

  it('batched gradients equal one-by-one gradients', async () => {
    const f = FAMILIES[0];
    const ctx = await context(f.files, 'fp32');
    const program = ctx.program({ score: f.target.score });
    const x1 = ctx.embed(f.input.ids);
    const x2 = x1.map((v) => v * 0.5);
    const both = new Float32Array(2 * x1.length);
    both.set(x1);
    both.set(x2, x1.length);
    const batched = await program.gradient(both, 2, f.input, f.target);
    const single = await program.gradient(x2, 1, f.input, f.target);
    for (let i = 0; i < x1.length; i += 7)
      expect(batched.grads[x1.length + i]).toBeCloseTo(single.grads[i], 5);
  });

  afterAll(() => console.log(measured.join('\n')));
});
