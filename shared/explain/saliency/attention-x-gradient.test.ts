/**
 * The gradient with respect to the attention probabilities, read from the backward graph, against
 * central finite differences: a perturbation δ added to one layer's Softmax output moves the target
 * by ∂f/∂A · δ. Then Chefer's relevance on a trained classifier beats random rankings.
 */
import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../../models/tiny/bert.js';
import { diskReader, loadLocal, nodeOrt } from '../../../node/host.js';
import { valueInfo } from '../../onnx/builder.js';
import { exposeAttentionInPlace } from '../../onnx/expose-attention.js';
import { embed, embeddingMatrix, INPUTS_EMBEDS, withInputsEmbeds } from '../../onnx/inputs-embeds.js';
import { DataType, decodeModel, encodeModel } from '../../onnx/proto.js';
import { readModelMeta } from '../../runtime/model.js';
import { createSessionFactory } from '../../runtime/session.js';
import { appendTarget, TARGET, targetFeeds } from '../targets.js';
import { attentionGradients } from './attention-program.js';
import { batchFeeds } from './batch-feeds.js';
import { explainSaliency } from './document.js';

const IDS = [2, 40, 41, 42, 43, 3];
const target = { score: 'probability' as const, tokens: [1] };

describe('∂f/∂A from the backward graph', () => {
  it('matches central finite differences on a perturbed Softmax output', async () => {
    const files = buildTinyBert().files;
    const model = decodeModel(files['onnx/model.onnx'] as Uint8Array);
    const emb = embeddingMatrix(model);
    const x = embed(emb, IDS);
    const feedCtx = { ort: nodeOrt, heads: 4, headDim: 8 };
    const run = attentionGradients(
      model,
      'encoder',
      { score: 'probability' },
      createSessionFactory(nodeOrt),
      feedCtx,
      emb.hidden,
    );
    const { value, layers } = await run(x, IDS, target);
    const layer1 = layers.find((l) => l.layer === 1)!;

    // The same forward graph with a δ input added to layer 1's attention probabilities.
    const m = appendTarget(withInputsEmbeds(model), { score: 'probability' });
    const att = exposeAttentionInPlace(m, { stack: 'encoder' }).find((a) => a.layer === 1)!;
    const sm = m.graph!.node!.find((n) => n.name === att.node)!;
    const probs = sm.output![0];
    for (const n of m.graph!.node!)
      if (n !== sm) n.input = n.input!.map((i) => (i === probs ? 'probs_plus_delta' : i));
    m.graph!.node!.push({
      opType: 'Add',
      input: [probs, 'delta'],
      output: ['probs_plus_delta'],
      name: 'delta_add',
    });
    m.graph!.input!.push(valueInfo('delta', DataType.FLOAT, [1, 4, IDS.length, IDS.length]));
    m.graph!.output = m.graph!.output!.filter((o) => o.name === TARGET);
    const s = await ort.InferenceSession.create(encodeModel(m));
    const n = IDS.length;
    const f = async (delta: Float32Array) => {
      const feeds = batchFeeds(
        feedCtx,
        s.inputNames.filter((i) => i !== 'delta'),
        IDS,
        1,
        {
          [INPUTS_EMBEDS]: new ort.Tensor('float32', x, [1, n, emb.hidden]),
          ...targetFeeds(nodeOrt, target, s.inputNames),
        },
      );
      const out = await s.run({ ...feeds, delta: new ort.Tensor('float32', delta, [1, 4, n, n]) });
      return (out[TARGET].data as Float32Array)[0];
    };
    expect(await f(new Float32Array(4 * n * n))).toBeCloseTo(value, 5);
    // the largest gradients, where finite differences in float32 are most reliable
    const order = [...layer1.grads.keys()].sort(
      (a, b) => Math.abs(layer1.grads[b]) - Math.abs(layer1.grads[a]),
    );
    const eps = 1e-2;
    for (const i of order.slice(0, 6)) {
      const d = new Float32Array(4 * n * n);
      d[i] = eps;
      const up = await f(d);
      d[i] = -eps;
      const down = await f(d);
      const fd = (up - down) / (2 * eps);
      expect(Math.abs(fd - layer1.grads[i])).toBeLessThan(2e-2 * Math.abs(layer1.grads[i]) + 1e-5);
    }
  });
});

describe('attention × gradient on brown-sentiment', () => {
  const dir = 'models/brown-sentiment';
  it.skipIf(!existsSync(`${dir}/onnx/model.onnx`))('ranks tokens better than random rankings', async () => {
    const read = diskReader(dir);
    const model = await loadLocal('brown-sentiment', read, 'int8');
    const meta = await readModelMeta('brown-sentiment', read);
    const { createSaliencyContext } = await import('./context.js');
    const ctx = await createSaliencyContext(
      { ...meta, precision: 'int8' },
      read,
      createSessionFactory(nodeOrt),
    );
    const doc = await explainSaliency(model, ctx, 'It was a terrible and cruel war.', {
      method: 'attention_x_gradient',
    });
    const scores = doc.saliency![0].scores;
    for (const v of scores) expect(v).toBeGreaterThanOrEqual(0);
    const f = doc.metrics!.faithfulness as { comprehensiveness: number; random_comprehensiveness: number };
    expect(f.comprehensiveness).toBeGreaterThan(f.random_comprehensiveness);
  });
});
