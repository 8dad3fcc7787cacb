/**
 * tiny-bert-fused end to end: the fused export (Attention, SkipLayerNormalization, BiasGelu) computes
 * what tiny-bert computes (onnxruntime-node and -web), and loading it (the loader rewrites the fused
 * operators before exposing attention) gives tiny-bert's attention, hidden states and saliency.
 * A fused operator the rewrite refuses (Attention with a 1-D mask_index) leaves the model loadable:
 * attention is refused naming that operator, gradients name it, occlusion runs.
 */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryReader, nodeSessionFactory } from '../../node/host.js';
import { explainAttention } from '../../shared/explain/attention/document.js';
import { createSaliencyContext, saliencyMethods } from '../../shared/explain/saliency/index.js';
import { NoGradientRuleError } from '../../shared/onnx/autodiff/index.js';
import { AttentionNotExposableError } from '../../shared/onnx/expose-attention.js';
import { prepareGraph } from '../../shared/onnx/prepare-graph.js';
import { decodeModel } from '../../shared/onnx/proto.js';
import { fusedOps } from '../../shared/onnx/unfuse/index.js';
import { forward } from '../../shared/runtime/forward.js';
import { type LoadedModel, loadModel, readModelMeta } from '../../shared/runtime/model.js';
import { bytes, paddedFeeds } from '../../test/helpers/tiny-graphs.js';
import { buildTinyBert } from './bert.js';
import { buildTinyBertFused, buildTinyBertFusedLengthMask } from './bert-fused.js';
import type { ModelFiles } from './files.js';

type Ort = typeof ortNode;
const plain = buildTinyBert();
const fused = buildTinyBertFused();
const TEXT = 'the movie was not bad at all';
const TARGET = { score: 'probability' as const, tokens: [2] };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>) {
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    abs = Math.max(abs, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return { abs, rel: scale > 0 ? abs / scale : abs };
}

const load = async (m: ModelFiles, id: string): Promise<LoadedModel> => {
  const read = memoryReader(m.files);
  return loadModel(await readModelMeta(id, read), read, nodeSessionFactory(), { precision: 'fp32' });
};
const saliency = async (m: ModelFiles) => {
  const read = memoryReader(m.files);
  const meta = await readModelMeta('m', read);
  return createSaliencyContext({ ...meta, precision: 'fp32' }, read, nodeSessionFactory());
};

const figures: Record<string, string> = {};

beforeAll(() => {
  ortWeb.env.wasm.numThreads = 1;
});

describe('tiny-bert-fused', () => {
  it('is the fused export style: Attention, SkipLayerNormalization, BiasGelu', () => {
    const m = decodeModel(fused.files['onnx/model.onnx'] as Uint8Array);
    expect(fusedOps(m).sort()).toEqual([
      'com.microsoft.Attention',
      'com.microsoft.BiasGelu',
      'com.microsoft.SkipLayerNormalization',
    ]);
    const r = prepareGraph(fused.files['onnx/model.onnx'] as Uint8Array, { stack: 'encoder' });
    expect(r.unfused!.refused).toEqual([]);
    figures['fused nodes before → after unfuse'] = `${r.unfused!.nodesBefore} → ${r.unfused!.nodesAfter}`;
    figures['nodes (plain / fused)'] =
      `${decodeModel(plain.files['onnx/model.onnx'] as Uint8Array).graph!.node!.length} / ${m.graph!.node!.length}`;
  });

  it.each([
    ['node', ortNode],
    ['web', ortWeb as unknown as Ort],
  ])("computes tiny-bert's logits on onnxruntime-%s", async (host, ort) => {
    for (const file of ['onnx/model.onnx']) {
      const a = await ort.InferenceSession.create(bytes(plain.files, file));
      const b = await ort.InferenceSession.create(bytes(fused.files, file));
      const ya = (await a.run(paddedFeeds(a as ortNode.InferenceSession))).logits.data as Float32Array;
      const yb = (await b.run(paddedFeeds(b as ortNode.InferenceSession))).logits.data as Float32Array;
      const d = maxDiff(ya, yb);
      figures[`logits ${host} ${file}`] = `abs ${d.abs.toExponential(1)}`;
      expect(d.abs).toBeLessThan(1e-5);
    }
  });

  it("loads with tiny-bert's attention (rows sum to 1) and hidden states", async () => {
    const [a, b] = [await load(plain, 'tiny-bert'), await load(fused, 'tiny-bert-fused')];
    expect(b.graphs.model!.attention.map((x) => x.output)).toEqual([
      'encoder_attentions.0',
      'encoder_attentions.1',
    ]);
    expect(b.graphs.model!.hidden.map((h) => h.output)).toEqual(a.graphs.model!.hidden.map((h) => h.output));
    const input = a.tokenizer.encode(TEXT);
    const [ra, rb] = [await forward(a, input), await forward(b, input)];
    for (let l = 0; l < 2; l++) {
      const pb = rb.attention[l].tensor.data as Float32Array;
      const d = maxDiff(ra.attention[l].tensor.data as Float32Array, pb);
      figures[`attention layer ${l}`] = `abs ${d.abs.toExponential(1)}`;
      expect(d.abs).toBeLessThan(1e-6);
      const t = rb.attention[l].tensor.dims[3];
      for (let r = 0; r < pb.length / t; r++)
        expect(pb.subarray(r * t, (r + 1) * t).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    }
    const doc = await explainAttention(b, TEXT);
    expect(doc).toBeTruthy();
  });

  it('loads its int8 file too (the fused ops beside MatMulInteger), attention exposed', async () => {
    const read = memoryReader(fused.files);
    const m = await loadModel(await readModelMeta('f', read), read, nodeSessionFactory(), {
      precision: 'int8',
    });
    expect(m.graphs.model!.attention).toHaveLength(2);
    const r = await forward(m, m.tokenizer.encode(TEXT));
    expect(Array.from(r.logits.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it("gives tiny-bert's saliency: gradients and integrated gradients", async () => {
    const [ca, cb] = [await saliency(plain), await saliency(fused)];
    const ids = ca.embedding && (await load(plain, 'tiny-bert')).tokenizer.encode(TEXT).ids;
    for (const method of ['gradient', 'integrated_gradients'] as const) {
      const ga = await saliencyMethods[method].attribute(ca, { ids }, TARGET, {});
      const gb = await saliencyMethods[method].attribute(cb, { ids }, TARGET, {});
      const d = maxDiff(ga.raw!, gb.raw!);
      figures[`saliency ${method}`] = `abs ${d.abs.toExponential(1)} rel ${d.rel.toExponential(1)}`;
      expect(d.rel).toBeLessThan(1e-4);
      expect(maxDiff(ga.scores, gb.scores).rel).toBeLessThan(1e-4);
    }
  });
});

describe('a fused operator the rewrite refuses', () => {
  const blocked = buildTinyBertFusedLengthMask();

  it('still loads; attention is refused naming the operator and why', async () => {
    const m = await load(blocked, 'tiny-bert-blocked');
    const why = m.graphs.model!.attentionError!;
    expect(why).toContain('com.microsoft.Attention');
    expect(why).toContain('mask_index');
    expect(why).toContain('rank 1');
    const err = await explainAttention(m, TEXT).catch((e) => e);
    expect(err).toBeInstanceOf(AttentionNotExposableError);
    expect(err.code).toBe('attention_not_exposable');
    expect(err.message).toContain('/bert/encoder/layer.0/attention/self/Attention');
  });

  it("gets occlusion (equal to tiny-bert's); gradients name the operator", async () => {
    const ctx = await saliency(blocked);
    const ids = (await load(plain, 'tiny-bert')).tokenizer.encode(TEXT).ids;
    const occ = await saliencyMethods.occlusion.attribute(ctx, { ids }, TARGET, {});
    const ref = await saliencyMethods.occlusion.attribute(await saliency(plain), { ids }, TARGET, {});
    expect(maxDiff(ref.scores, occ.scores).abs).toBeLessThan(1e-5);
    const err = await saliencyMethods.gradient.attribute(ctx, { ids }, TARGET, {}).catch((e) => e);
    expect(err).toBeInstanceOf(NoGradientRuleError);
    expect(err.message).toContain('com.microsoft/Attention');
  });
});

describe('figures', () => {
  it('prints what was measured', () => {
    console.table(figures);
    expect(Object.keys(figures).length).toBeGreaterThan(4);
  });
});
