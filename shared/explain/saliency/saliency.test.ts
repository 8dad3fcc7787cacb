/** The saliency methods on the tiny models: completeness, determinism, batching, the forward-only fallback. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../../models/tiny/bert.js';
import type { ModelFiles } from '../../../models/tiny/files.js';
import { buildTinyGpt2 } from '../../../models/tiny/gpt2.js';
import { buildTinyMarian } from '../../../models/tiny/marian.js';
import { nodeSessionFactory } from '../../../node/host.js';
import { NoGradientRuleError } from '../../onnx/autodiff/index.js';
import { decodeModel, encodeModel } from '../../onnx/proto.js';
import { readModelMeta } from '../../runtime/model.js';
import { Rng } from '../../util/random.js';
import { kindOf, type TargetSpec } from '../targets.js';
import {
  type AttributionInput,
  createSaliencyContext,
  type SaliencyContext,
  type SaliencyContextOptions,
  saliencyMethod,
  saliencyMethods,
} from './index.js';

const factory = nodeSessionFactory();

async function context(
  m: ModelFiles,
  precision: 'fp32' | 'int8' = 'fp32',
  opts: SaliencyContextOptions = {},
): Promise<SaliencyContext> {
  const read = async (path: string) => {
    const f = m.files[path];
    if (f === undefined) throw new Error(`no file ${path}`);
    return typeof f === 'string' ? new TextEncoder().encode(f) : f;
  };
  const meta = await readModelMeta('tiny', read);
  return createSaliencyContext({ ...meta, precision }, read, factory, opts);
}

interface Case {
  name: string;
  files: ModelFiles;
  input: AttributionInput;
  target: TargetSpec;
  hasPad: boolean;
}

const CASES: Case[] = [
  {
    name: 'tiny-bert',
    files: buildTinyBert(),
    input: { ids: [2, 17, 33, 9, 41, 3] },
    target: { score: 'probability', tokens: [2] },
    hasPad: true,
  },
  {
    name: 'tiny-gpt2',
    files: buildTinyGpt2(),
    input: { ids: [5, 17, 33, 9, 40] },
    target: { score: 'log_probability', tokens: [12], positions: [4] },
    hasPad: false,
  },
  {
    name: 'tiny-marian',
    files: buildTinyMarian(),
    input: { ids: [15, 27, 33, 2], decoderIds: [1, 20, 21] },
    target: { score: 'log_probability', tokens: [20, 21], positions: [0, 1] },
    hasPad: true,
  },
];

const report: string[] = [];

describe('integrated gradients: completeness at 64 steps', () => {
  for (const c of CASES) {
    for (const precision of ['fp32', 'int8'] as const) {
      for (const quadrature of ['gauss_legendre', 'riemann_trapezoid'] as const) {
        for (const baseline of c.hasPad ? (['zero', 'pad'] as const) : (['zero'] as const)) {
          it(`${c.name} ${precision}, ${quadrature}, ${baseline} baseline`, async () => {
            const ctx = await context(c.files, precision);
            const r = await saliencyMethods.integrated_gradients.attribute(ctx, c.input, c.target, {
              steps: 64,
              quadrature,
              baseline,
            });
            expect(r.scores).toHaveLength(c.input.ids.length);
            const err = r.checks!.completeness_error;
            const int8 = r.checks!.completeness_error_int8;
            report.push(
              `${c.name} ${precision} ${quadrature} ${baseline}: completeness_error ${err.toExponential(2)}` +
                (int8 === undefined
                  ? ''
                  : ` (vs the dequantized surrogate); vs the int8 model ${int8.toExponential(2)}, quantization_gap ${r.checks!.quantization_gap.toExponential(2)}`),
            );
            // The 1% the issue asks, against the function differentiated (int8: the dequantized
            // surrogate); against the int8 model itself quantization noise adds a few % (reported).
            expect(err).toBeLessThan(0.01);
            if (precision === 'int8') expect(int8).toBeLessThan(0.1);
          });
        }
      }
    }
  }
});

describe('the differentiable model', () => {
  // Directional derivatives along random directions: the gradient (for encoder-decoders, taken through
  // the chained encoder → decoder graph) against central differences of the forward model.
  for (const c of CASES) {
    it(`${c.name}: gradient · u equals (f(x + hu) − f(x − hu)) / 2h`, async () => {
      const ctx = await context(c.files);
      const program = ctx.program(kindOf(c.target));
      const x = ctx.embed(c.input.ids);
      const { values, grads } = await program.gradient(x, 1, c.input, c.target);
      expect((await program.forward(x, 1, c.input, c.target))[0]).toBeCloseTo(values[0], 5);
      const rng = new Rng(7);
      const h = 1e-2;
      for (let k = 0; k < 3; k++) {
        const u = Float32Array.from(rng.normals(x.length, 1));
        const norm = Math.hypot(...u);
        u.forEach((v, i) => {
          u[i] = v / norm; // a unit direction: h is then the step's length
        });
        const at = (t: number) => x.map((v, i) => v + t * u[i]);
        const [plus, minus] = await Promise.all(
          [h, -h].map((t) => program.forward(at(t), 1, c.input, c.target)),
        );
        const fd = (plus[0] - minus[0]) / (2 * h);
        const dot = grads.reduce((a, g, i) => a + g * u[i], 0);
        // measured: relative differences 3e-4 (bert), 6e-4 (gpt2), 2e-3 (marian); f32 central differences
        expect(Math.abs(dot - fd)).toBeLessThan(1e-2 * Math.abs(fd) + 1e-6);
      }
    });
  }
});

describe('saliency methods', () => {
  const bert = CASES[0];

  it('gradient and gradient × input: one score per token; grad × input sums the raw products', async () => {
    const ctx = await context(bert.files);
    const g = await saliencyMethod('gradient').attribute(ctx, bert.input, bert.target);
    expect(g.scores).toHaveLength(6);
    expect(g.scores.every((s) => s >= 0)).toBe(true);
    const gx = await saliencyMethod('gradient_x_input').attribute(ctx, bert.input, bert.target);
    const hidden = ctx.embedding.hidden;
    const x = ctx.embed(bert.input.ids);
    let s0 = 0;
    for (let i = 0; i < hidden; i++) s0 += g.raw![i] * x[i];
    expect(gx.scores[0]).toBeCloseTo(s0, 6);
    expect(gx.target).toBeCloseTo(g.target, 6);
  });

  it('SmoothGrad is deterministic for a seed and changes with it', async () => {
    const ctx = await context(bert.files);
    const a = await saliencyMethods.smoothgrad.attribute(ctx, bert.input, bert.target, {
      samples: 8,
      seed: 42,
    });
    const b = await saliencyMethods.smoothgrad.attribute(ctx, bert.input, bert.target, {
      samples: 8,
      seed: 42,
    });
    const c = await saliencyMethods.smoothgrad.attribute(ctx, bert.input, bert.target, {
      samples: 8,
      seed: 43,
    });
    expect(b.scores).toEqual(a.scores);
    expect(c.scores).not.toEqual(a.scores);
    // The same with batches of 3 (a small memory budget): batching does not change the result.
    const small = await context(bert.files, 'fp32', { maxBatch: 3 });
    const d = await saliencyMethods.smoothgrad.attribute(small, bert.input, bert.target, {
      samples: 8,
      seed: 42,
    });
    for (const [i, s] of d.scores.entries()) expect(s).toBeCloseTo(a.scores[i], 5);
  });

  it('integrated gradients chunked to a small memory budget equal one big batch', async () => {
    const big = await context(bert.files);
    const small = await context(bert.files, 'fp32', { maxBatch: 5 });
    expect(small.batchSize(6)).toBe(5);
    const a = await saliencyMethods.integrated_gradients.attribute(big, bert.input, bert.target, {
      steps: 16,
    });
    const b = await saliencyMethods.integrated_gradients.attribute(small, bert.input, bert.target, {
      steps: 16,
    });
    for (const [i, s] of b.scores.entries()) expect(s).toBeCloseTo(a.scores[i], 5);
  });

  it('occlusion: f(x) − f(x with the token replaced), and by dropping tokens', async () => {
    for (const c of CASES) {
      const ctx = await context(c.files);
      const r = await saliencyMethods.occlusion.attribute(ctx, c.input, c.target, { baseline: 'zero' });
      // Check one token by hand.
      const x = ctx.embed(c.input.ids);
      x.fill(0, 1 * ctx.embedding.hidden, 2 * ctx.embedding.hidden);
      const [v] = await ctx.program({ score: c.target.score }).forward(x, 1, c.input, c.target);
      expect(r.scores[1]).toBeCloseTo(r.target - v, 5);
      const d = await saliencyMethods.occlusion.attribute(ctx, c.input, c.target, { baseline: 'drop' });
      expect(d.scores).toHaveLength(c.input.ids.length);
      expect(d.scores.every(Number.isFinite)).toBe(true);
    }
  });

  it('pad baselines need a pad token', async () => {
    const ctx = await context(CASES[1].files);
    await expect(
      saliencyMethods.integrated_gradients.attribute(ctx, CASES[1].input, CASES[1].target, {
        baseline: 'pad',
      }),
    ).rejects.toThrow(/no pad token/);
  });

  it('an operator without a gradient rule: gradient methods refuse it by name, occlusion still works', async () => {
    // tiny-bert with its pooler's Tanh swapped for Softsign (which has no rule).
    const files = { ...bert.files.files };
    const m = decodeModel(files['onnx/model.onnx'] as Uint8Array);
    const tanh = m.graph!.node!.find((n) => n.opType === 'Tanh')!;
    tanh.opType = 'Softsign';
    files['onnx/model.onnx'] = encodeModel(m);
    const ctx = await context({ files });
    const err = await saliencyMethods.gradient.attribute(ctx, bert.input, bert.target).catch((e) => e);
    expect(err).toBeInstanceOf(NoGradientRuleError);
    expect(String(err.message)).toMatch(/Softsign \(node "\/bert\/pooler\/activation\/Tanh"\)/);
    const r = await saliencyMethods.occlusion.attribute(ctx, bert.input, bert.target);
    expect(r.scores.every(Number.isFinite)).toBe(true);
  });

  afterAll(() => console.log(report.join('\n')));
});
