/**
 * Whole-model gradients, for each tiny model family, with respect to the input embeddings:
 * - the gradient model's forward value equals the original model's output (the target computed in JS
 *   from its logits);
 * - the gradient equals central finite differences of the fp32 model (all perturbations batched in
 *   one run). Error measure: ‖analytic − numeric‖₂ / ‖numeric‖₂ over all elements of
 *   inputs_embeds, ε = 1e-2 (float32 models: smaller ε drowns in rounding, larger in curvature).
 * - int8 models: the straight-through gradient is compared with the fp32 model's (cosine similarity);
 *   finite differences are meaningless there, as the quantized function is piecewise constant.
 */
import { describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../../models/tiny/bert.js';
import type { ModelFiles } from '../../../models/tiny/files.js';
import { buildTinyGpt2 } from '../../../models/tiny/gpt2.js';
import { buildTinyMarian } from '../../../models/tiny/marian.js';
import { nodeOrt } from '../../../test/helpers/local-model.js';
import { batchFeeds } from '../../explain/saliency/batch-feeds.js';
import { createSaliencyContext, type SaliencyContext } from '../../explain/saliency/index.js';
import type { AttributionInput } from '../../explain/saliency/types.js';
import { type TargetSpec, targetFromLogits } from '../../explain/targets.js';
import { readModelMeta } from '../../runtime/model.js';
import { createSessionFactory, type Feeds } from '../../runtime/session.js';

const factory = createSessionFactory(nodeOrt, { logSeverityLevel: 3 });
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

describe('whole-model gradients', () => {
  for (const f of FAMILIES) {
    it(`${f.name}: forward value equals the original model's, gradient matches finite differences`, async () => {
      const ctx = await context(f.files, 'fp32');
      const program = ctx.program({ score: f.target.score, contrast: false });
      const x = ctx.embed(f.input.ids);
      const { values, grads } = await program.gradient(x, 1, f.input, f.target);
      const ref = await reference(f.files, f.family, f.input, f.target);
      expect(Math.abs(values[0] - ref)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref)));

      // All ±ε perturbations of all elements in one batched forward run.
      const eps = 1e-2;
      const n = x.length;
      const perturbed = new Float32Array(2 * n * n);
      for (let i = 0; i < n; i++) {
        perturbed.set(x, 2 * i * n);
        perturbed.set(x, (2 * i + 1) * n);
        perturbed[2 * i * n + i] += eps;
        perturbed[(2 * i + 1) * n + i] -= eps;
      }
      const fs = await program.forward(perturbed, 2 * n, f.input, f.target);
      let diff2 = 0;
      let norm2 = 0;
      for (let i = 0; i < n; i++) {
        const step = x[i] + eps - (x[i] - eps);
        const fd = (fs[2 * i] - fs[2 * i + 1]) / step;
        diff2 += (fd - grads[i]) ** 2;
        norm2 += fd * fd;
      }
      const rel = Math.sqrt(diff2 / norm2);
      measured.push(`${f.name}: relative L2 error ${rel.toExponential(2)} over ${n} elements (ε = ${eps})`);
      expect(rel).toBeLessThan(f.tol);
    });

    it(`${f.name}, int8: straight-through gradient close to the fp32 one`, async () => {
      const fp = await context(f.files, 'fp32');
      const q = await context(f.files, 'int8');
      const kind = { score: f.target.score, contrast: false };
      const x = fp.embed(f.input.ids);
      const a = (await fp.program(kind).gradient(x, 1, f.input, f.target)).grads;
      const b = (await q.program(kind).gradient(x, 1, f.input, f.target)).grads;
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

  it('reports', () => console.log(measured.join('\n')));
});
