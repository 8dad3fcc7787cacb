/** The reliability metrics on constructed cases whose answer is known, on the tiny models. */
import { describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../../models/tiny/bert.js';
import { buildTinyGpt2 } from '../../../models/tiny/gpt2.js';
import { loadLocal, memoryReader, nodeSessionFactory } from '../../../node/host.js';
import { decodeModel } from '../../onnx/proto.js';
import { quantizeDynamic } from '../../onnx/quantize.js';
import { readModelMeta } from '../../runtime/model.js';
import { ExplanationDocument } from '../../schema/document.js';
import { explainAttention } from '../attention/document.js';
import { explainSaliency } from '../saliency/document.js';
import { createSaliencyContext, type SaliencyContext, saliencyMethod } from '../saliency/index.js';
import type { SaliencyMethod } from '../saliency/types.js';
import { agreement } from './agreement.js';
import { alignTokens, perturbations } from './perturbations.js';
import { randomizeModel, sanity, weightPlaces } from './sanity.js';
import { benjaminiHochberg, significance, significanceOf } from './significance.js';
import { keptPerturbations, mapStability } from './stability.js';

const factory = nodeSessionFactory();

async function setup(files: Record<string, Uint8Array | string>, precision: 'fp32' | 'int8' = 'fp32') {
  const read = memoryReader(files);
  const meta = await readModelMeta('tiny', read);
  const ctx = await createSaliencyContext({ ...meta, precision }, read, factory);
  const model = await loadLocal('tiny', read, precision);
  return { ctx, model };
}

const TEXT = 'the cat sat on the mat.';

describe('stability', () => {
  it('a map that is the same function of each token on the perturbation gives ρ = τ = top-k = 1', async () => {
    const { ctx, model } = await setup(buildTinyBert().files);
    const input = model.tokenizer.encode(TEXT);
    // a map that depends on the token alone: equal on every shared token of every perturbation
    const mapOf = (tokens: { text: string }[]) =>
      tokens.map((t) => [...t.text].reduce((s, c) => s * 31 + c.charCodeAt(0), 7) % 1009);
    const special = new Set(input.ids.filter((_, i) => input.tokens[i].special));
    const candidates = perturbations(TEXT, model.tokenizer, ctx.embedding, special, 12, 0);
    const inputs = await keptPerturbations(
      candidates,
      (t) => model.tokenizer.encode(t),
      input.ids,
      async () => true,
      4,
    );
    expect(inputs.length).toBe(4);
    const s = await mapStability(input.tokens, mapOf(input.tokens), inputs, async (p) => mapOf(p.tokens), 4);
    expect(s.kendall).toEqual({ mean: 1, lo: 1, hi: 1, n: 4 });
    expect(s.spearman.mean).toBe(1);
    expect(s.top_k.mean).toBe(1);
    for (const p of s.perturbations) expect(p.shared).toBeGreaterThan(2);
  });

  it('aligns the tokens outside the edit by their shifted offsets', async () => {
    const { model } = await setup(buildTinyBert().files);
    const a = model.tokenizer.encode(TEXT);
    const drop = { kind: 'drop' as const, start: 0, end: 4, insert: '', text: TEXT.slice(4) };
    const b = model.tokenizer.encode(drop.text);
    const pairs = alignTokens(a.tokens, b.tokens, drop);
    for (const [i, j] of pairs) expect(a.tokens[i].text).toBe(b.tokens[j].text);
    // every original token but the dropped "the" has its partner
    expect(pairs.length).toBe(a.tokens.length - 1);
  });

  it('perturbations are seeded and each is one edit of the text', async () => {
    const { ctx, model } = await setup(buildTinyBert().files);
    const p1 = perturbations(TEXT, model.tokenizer, ctx.embedding, new Set(), 8, 3);
    const p2 = perturbations(TEXT, model.tokenizer, ctx.embedding, new Set(), 8, 3);
    expect(p1).toEqual(p2);
    for (const p of p1) expect(TEXT.slice(0, p.start) + p.insert + TEXT.slice(p.end)).toBe(p.text);
    expect(new Set(p1.map((p) => p.kind)).size).toBeGreaterThan(2);
  });
});

describe('significance', () => {
  it('Benjamini–Hochberg keeps the step-up set', () => {
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.5], 0.05)).toEqual([true, false, false, false]);
    expect(benjaminiHochberg([0.01, 0.02, 0.03, 0.04], 0.05)).toEqual([true, true, true, true]);
  });

  it('a token far above the null is significant, one at zero never is', () => {
    const nulls = Array.from({ length: 20 }, (_, k) => [0, (k % 5) / 10, ((k * 3) % 7) / 10, 0]);
    const s = significanceOf([0, 5, 0, 0], [true, false, false, true], nulls);
    expect(s.significant).toEqual([1]);
    expect(s.p[2]).toBe(1);
    expect(s.p[0]).toBeNull();
  });

  it("tokens the model's output ignores (after the predicting position of a causal LM) are not significant", async () => {
    const { ctx } = await setup(buildTinyGpt2().files);
    const ids = [5, 17, 33, 9, 40, 21];
    const special = ids.map(() => false);
    const target = { score: 'log_probability' as const, tokens: [12], positions: [1] };
    const method = saliencyMethod('gradient_x_input');
    const mapOf = async (x: number[]) => (await method.attribute(ctx, { ids: x }, target)).scores;
    const scores = await mapOf(ids);
    expect(scores.slice(2).every((v) => v === 0)).toBe(true);
    const s = await significance(ids, special, scores, ctx.embedding.vocab, mapOf, 8, 0);
    for (const i of [2, 3, 4, 5]) {
      expect(s.significant).not.toContain(i);
      expect(s.p[i]).toBe(1);
    }
  });
});

/** A "method" that reads the input only: the norm of each token's embedding. */
const embeddingNorm: SaliencyMethod = {
  name: 'embedding_norm',
  needsGradient: false,
  signed: false,
  defaults: {},
  async attribute(ctx, input) {
    const x = ctx.embed(input.ids);
    const h = ctx.embedding.hidden;
    const scores = input.ids.map((_, i) => Math.hypot(...x.subarray(i * h, (i + 1) * h)));
    return { scores, target: 0, params: {} };
  },
};

describe('sanity', () => {
  const ids = [2, 17, 33, 9, 41, 12, 25, 3];
  const target = { score: 'probability' as const, tokens: [1] };

  async function cascade(ctx: SaliencyContext, method: SaliencyMethod) {
    const mapOf = async (c: SaliencyContext) => ({ m: (await method.attribute(c, { ids }, target)).scores });
    return (await sanity(ctx, await mapOf(ctx), mapOf, 0)).m;
  }

  it('flags a method that ignores the weights, and not the gradient', async () => {
    const { ctx } = await setup(buildTinyBert().files);
    const ignoring = await cascade(ctx, embeddingNorm);
    expect(ignoring.insensitive).toBe(true);
    expect(ignoring.cascade.map((s) => s.randomized)).toEqual(['head', 'layer 1', 'layer 0']);
    expect(ignoring.cascade.every((s) => s.spearman === 1)).toBe(true);
    const gradient = await cascade(ctx, saliencyMethod('gradient_x_input'));
    expect(gradient.cascade.at(-1)!.spearman).toBeLessThan(1);
  });

  it('randomizes the int8 weights of a quantized graph, layer by layer, deterministically', async () => {
    const files = buildTinyBert().files;
    const q = quantizeDynamic(decodeModel(files['onnx/model.onnx'] as Uint8Array));
    const places = weightPlaces(q.graph!);
    const u8 = [...places.keys()].filter((n) => n.endsWith('_quantized'));
    expect(u8.length).toBeGreaterThan(0);
    expect(new Set([...places.values()])).toEqual(new Set(['head', 0, 1]));
    const top = randomizeModel(q, (p) => p === 'head' || p >= 1, 7);
    const again = randomizeModel(q, (p) => p === 'head' || p >= 1, 7);
    const byName = (m: typeof q) => new Map((m.graph!.initializer ?? []).map((t) => [t.name!, t]));
    const [orig, a, b] = [byName(q), byName(top), byName(again)];
    for (const name of u8) {
      const changed = !Buffer.from(orig.get(name)!.rawData!).equals(Buffer.from(a.get(name)!.rawData!));
      expect(changed).toBe(places.get(name) !== 0);
      expect(Buffer.from(a.get(name)!.rawData!).equals(Buffer.from(b.get(name)!.rawData!))).toBe(true);
    }
  });
});

describe('agreement', () => {
  it('is τ = 1 between a ranking and itself, over the non-special tokens', () => {
    const a = agreement({ last_layer_mean: [9, 0.1, 0.5, 0.3, 9] }, { g: [0, -0.2, 0.9, 0.4, 0] }, [
      true,
      false,
      false,
      false,
      true,
    ]);
    expect(a.tokens).toBe(3);
    expect(a.pairs[0].kendall).toBe(1);
  });
});

describe('documents with metrics', () => {
  it('a saliency document carries the four metrics asked for, valid against the schema', async () => {
    const { ctx, model } = await setup(buildTinyBert().files);
    const doc = await explainSaliency(model, ctx, TEXT, {
      method: 'gradient_x_input',
      metrics: ['stability', 'significance', 'sanity', 'agreement'],
      perturbations: 3,
      metric_samples: 4,
    });
    const parsed = ExplanationDocument.parse(JSON.parse(JSON.stringify(doc)));
    const m = parsed.metrics!;
    expect(m.stability!.requested).toBe(3);
    expect(m.significance!.gradient_x_input.z.length).toBe(doc.input.tokens.length);
    expect(m.sanity!.gradient_x_input.cascade.length).toBe(3);
    expect(m.agreement!.pairs.map((p) => p.attention)).toEqual(['last_layer_mean', 'rollout']);
    expect(m.faithfulness).toBeDefined();
  });

  it('an attention document carries per-head stability and the attention maps judged', async () => {
    const { ctx, model } = await setup(buildTinyBert().files);
    const doc = await explainAttention(
      model,
      TEXT,
      { metrics: ['stability', 'agreement'], perturbations: 2 },
      async () => ctx,
    );
    const m = ExplanationDocument.parse(JSON.parse(JSON.stringify(doc))).metrics!;
    expect(m.stability!.heads!.length).toBe(model.shape.layers * model.shape.heads);
    expect(m.stability!.rollout).toBeDefined();
    expect(m.agreement!.pairs.length).toBe(4);
  });
});
