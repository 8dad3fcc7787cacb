/**
 * An explanation must not depend on what else was in the batch: on every served model and precision,
 * a saliency document computed with batched runs equals the same document computed one example at a
 * time (`maxBatch: 1`), its target values equal the plain forward's, and probe features from padded
 * batches equal each sentence's own.
 *
 * Tolerance: a batched fp32 kernel may sum in another order than a batch-1 one, so values agree to
 * REL = 1e-5 of the largest magnitude compared (measured: ≤ 2e-6 on these models); a dynamic-int8
 * graph, run one example at a time, agrees exactly. Before the fix, int8 brown-sentiment's IG target
 * was off the plain forward by 1.2% and its faithfulness curve points by up to ~1e-2.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../models/tiny/bert.js';
import { buildTinyGpt2 } from '../../models/tiny/gpt2.js';
import { buildTinyMarian } from '../../models/tiny/marian.js';
import { diskReader, loadLocal, memoryReader, nodeSessionFactory } from '../../node/host.js';
import { forward } from '../runtime/forward.js';
import type { LoadedModel, Precision, ReadFile } from '../runtime/model.js';
import type { ExplanationDocument } from '../schema/document.js';
import type { SaliencyParams } from '../schema/requests.js';
import { extractWordFeatures } from './probe/dataset.js';
import { hiddenStateModel } from './probe/hidden.js';
import type { Faithfulness } from './reliability/faithfulness.js';
import { explainSaliency } from './saliency/document.js';
import { createSaliencyContext } from './saliency/index.js';
import { type TargetScore, targetFromLogits } from './targets.js';

/** the fields of a saliency entry's target and metrics this test reads (the schema types them loosely) */
interface Target {
  value: number;
  score: TargetScore;
  ids: number[];
  positions?: number[];
  label?: string;
}
const targetOf = (d: ExplanationDocument) => d.saliency![0].target as unknown as Target;
const faithfulOf = (d: ExplanationDocument) => d.metrics!.faithfulness as unknown as Faithfulness;

const REL = 1e-5;
const MODELS = join(import.meta.dirname, '../../models');
const factory = nodeSessionFactory();

interface Served {
  id: string;
  read: ReadFile;
  text: string;
  target_text?: string;
}

const heldout = (id: string, i: number) =>
  JSON.parse(
    readFileSync(join(MODELS, id, 'heldout.jsonl'), 'utf8')
      .trim()
      .split('\n')[i],
  );
const tinyRead = (files: Record<string, Uint8Array | string>) => memoryReader(files);

const SERVED: Served[] = [
  {
    id: 'brown-sentiment',
    read: diskReader(join(MODELS, 'brown-sentiment')),
    // the example
    text: 'She found the garden beautiful and peaceful, yet the house itself seemed cold, empty, and strangely hostile to visitors who came in 1923 from Zürich.',
  },
  { id: 'brown-gpt', read: diskReader(join(MODELS, 'brown-gpt')), text: heldout('brown-gpt', 3).text },
  {
    id: 'brown-seq2seq',
    read: diskReader(join(MODELS, 'brown-seq2seq')),
    text: heldout('brown-seq2seq', 1).text,
    target_text: heldout('brown-seq2seq', 1).target,
  },
  { id: 'tiny-bert', read: tinyRead(buildTinyBert().files), text: 'the cat sat on the mat today' },
  { id: 'tiny-gpt2', read: tinyRead(buildTinyGpt2().files), text: 'the cat sat on the mat today' },
  {
    id: 'tiny-marian',
    read: tinyRead(buildTinyMarian().files),
    text: 'the cat sat on the mat',
    target_text: 'le chat',
  },
];

/** |a − b| ≤ REL · the largest magnitude among them (and `floor`); exact where both are exact. */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string, floor = 0) {
  expect(a.length, what).toBe(b.length);
  let scale = floor;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i] - b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(REL * scale);
}

const METHODS: SaliencyParams[] = [
  { method: 'integrated_gradients', steps: 8, baseline: 'zero' },
  { method: 'smoothgrad', samples: 4, noise: 0.1, seed: 3 },
  { method: 'occlusion', baseline: 'zero' },
];

describe.each(SERVED.flatMap((s) => (['int8', 'fp32'] as Precision[]).map((p) => ({ ...s, precision: p }))))(
  '$id $precision: batched = one example at a time',
  ({ id, read, text, target_text, precision }) => {
    let model: LoadedModel;
    const docs = new Map<string, { batched: ExplanationDocument; single: ExplanationDocument }>();
    beforeAll(async () => {
      model = await loadLocal(id, read, precision);
      const batched = await createSaliencyContext(model, read, factory);
      const single = await createSaliencyContext(model, read, factory, { maxBatch: 1 });
      for (const opts of METHODS) {
        const o = { ...opts, ...(target_text ? { target_text } : {}) };
        docs.set(opts.method, {
          batched: await explainSaliency(model, batched, text, o),
          single: await explainSaliency(model, single, text, o),
        });
      }
    }, 240_000);

    it.each(METHODS.map((m) => m.method))('%s: scores, target, checks and faithfulness curve', (method) => {
      const { batched, single } = docs.get(method)!;
      const [b, s] = [batched.saliency![0], single.saliency![0]];
      expectClose(b.scores, s.scores, 'scores');
      expectClose([targetOf(batched).value], [targetOf(single).value], 'target');
      const checks = Object.keys(s.checks ?? {}).sort();
      expect(Object.keys(b.checks ?? {}).sort()).toEqual(checks);
      // checks such as completeness_error are ratios of small differences: compared on an absolute scale
      for (const k of checks)
        if (typeof s.checks![k] === 'number')
          expectClose([b.checks![k] as number], [s.checks![k] as number], `checks.${k}`, 1);
      const [fb, fs] = [faithfulOf(batched), faithfulOf(single)];
      expectClose(fb.deletion, fs.deletion, 'deletion curve');
      expectClose(
        [fb.comprehensiveness, fb.sufficiency, fb.random_comprehensiveness, fb.target],
        [fs.comprehensiveness, fs.sufficiency, fs.random_comprehensiveness, fs.target],
        'faithfulness',
      );
    });

    // (brown-gpt's target here has log p ≈ −7e-5: checked since targets compute log-softmax as
    // x − max − log1p(Σ others), ./targets.ts; onnxruntime's float32 LogSoftmax was 2.4% off. The
    // brown-seq2seq int8 gap, 2.4e-4 of 0.107, was this file's sessions running without the hosts'
    // disable_quant_qdq: onnxruntime then fused its weight-only int8 MatMuls into activation quantization.)
    it("IG's target and faithfulness's f(x) are the plain forward's score for the target", async () => {
      const doc = docs.get('integrated_gradients')!.batched;
      const t = targetOf(doc);
      const r = await forward(model, model.tokenizer.encode(text), target_text ? { target_text } : {});
      const expected = targetFromLogits(r.logits.data as Float32Array, r.logits.dims, {
        score: t.score,
        tokens: t.ids,
        positions: t.positions,
      });
      expectClose([t.value], [expected], 'IG target vs plain forward');
      expectClose([faithfulOf(doc).target], [expected], 'faithfulness f(x) vs plain forward');
      if (model.shape.family === 'encoder')
        expectClose([t.value], [doc.output!.scores![t.label!]], 'IG target vs output.scores');
    });

    it('probe features of padded batches equal single-sentence features', async () => {
      const hm = hiddenStateModel(model);
      const words = [
        'the cat sat on the mat',
        'a much longer sentence , with more words in it than the others have',
        'short one',
        'the garden was beautiful and peaceful',
      ];
      const sentences = words.map((w) => ({ words: w.split(' '), tags: w.split(' ').map(() => 0) }));
      const layers = Array.from({ length: hm.layers }, (_, i) => i);
      const batched = await extractWordFeatures(hm, sentences, layers, 'mean', 32);
      const single = await extractWordFeatures(hm, sentences, layers, 'mean', 1);
      layers.forEach((l) => {
        expectClose(batched.x[l], single.x[l], `layer ${l}`);
      });
    });
  },
);
