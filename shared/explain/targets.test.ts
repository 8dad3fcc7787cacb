/** Targets appended to the tiny models equal the same scores computed in JS from the model's logits. */
import { describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../models/tiny/bert.js';
import { buildTinyGpt2 } from '../../models/tiny/gpt2.js';
import { buildTinyMarian } from '../../models/tiny/marian.js';
import { nodeOrt, nodeSessionFactory } from '../../node/host.js';
import { logSoftmax64, nearCertainLogits } from '../../test/helpers/near-certain.js';
import { gradientModel } from '../onnx/autodiff/index.js';
import { isBatchSeparable } from '../onnx/batch-coupling.js';
import { makeModel, node, valueInfo } from '../onnx/builder.js';
import { GraphIndex } from '../onnx/graph-index.js';
import { DataType, decodeModel, encodeModel } from '../onnx/proto.js';
import { batchFeeds } from './saliency/batch-feeds.js';
import { appendTarget, kindOf, TARGET, type TargetSpec, targetFeeds, targetFromLogits } from './targets.js';

const factory = nodeSessionFactory();
const ctx = { ort: nodeOrt, heads: 4, headDim: 8 };

async function compare(bytes: Uint8Array, ids: number[], spec: TargetSpec) {
  const model = decodeModel(bytes);
  const plain = await factory.create(bytes);
  const logits = (await plain.run(batchFeeds(ctx, plain.inputNames, ids, 1, {}))).logits;
  const withTarget = await factory.create(encodeModel(appendTarget(model, kindOf(spec))));
  const feeds = batchFeeds(
    ctx,
    withTarget.inputNames,
    ids,
    2,
    targetFeeds(nodeOrt, spec, withTarget.inputNames),
  );
  const out = (await withTarget.run(feeds))[TARGET];
  const expected = targetFromLogits(logits.data as Float32Array, logits.dims, spec);
  expect(out.dims).toEqual([2]);
  for (const v of out.data as Float32Array) expect(v).toBeCloseTo(expected, 5);
}

describe('targets', () => {
  const bert = buildTinyBert().files['onnx/model.onnx'] as Uint8Array;
  const gpt2 = buildTinyGpt2().files['onnx/model.onnx'] as Uint8Array;
  const ids = [2, 7, 9, 11, 3];
  it('class logit', () => compare(bert, ids, { score: 'logit', tokens: [2] }));
  it('class probability', () => compare(bert, ids, { score: 'probability', tokens: [1] }));
  it('class contrast (logit of 2 minus logit of 0)', () =>
    compare(bert, ids, { score: 'logit', tokens: [2], foils: [0] }));
  it('log-probability of a token at a position', () =>
    compare(gpt2, ids, { score: 'log_probability', tokens: [40], positions: [3] }));
  it('span: sum of log-probabilities over positions', () =>
    compare(gpt2, ids, { score: 'log_probability', tokens: [40, 41, 12], positions: [1, 2, 4] }));
  it('contrast of a span', () =>
    compare(gpt2, ids, { score: 'log_probability', tokens: [40, 41], positions: [2, 3], foils: [5, 6] }));
  it('probability of a token', () =>
    compare(gpt2, ids, { score: 'probability', tokens: [40], positions: [4] }));
  it("selects the explained rows before a biased LM head (Marian's final_logits_bias)", () => {
    // (the values through this head are pinned by the tiny-marian whole-model gradient tests)
    const decoder = decodeModel(buildTinyMarian().files['onnx/decoder_model.onnx'] as Uint8Array);
    const g = new GraphIndex(appendTarget(decoder, { score: 'log_probability' }).graph!);
    const bias = g.producer.get('logits')!;
    expect(bias.opType).toBe('Add');
    const head = bias.input!.map((i) => g.producer.get(i)).find((p) => p?.opType === 'MatMul')!;
    expect(g.producer.get(head.input![0])!.name).toMatch(/^\/target\/MatMul/);
  });
  it('refuses a sequence target without positions', () =>
    expect(() =>
      targetFeeds(nodeOrt, { score: 'logit', tokens: [1] }, ['target_tokens', 'target_positions']),
    ).toThrow(/position/));
});

describe('near-certain targets (float32 graphs vs float64)', () => {
  // logits [batch, positions, vocab] fed directly; the target is token 0 at position 0, p ≈ 1 − 3e-4.
  const vocab = 8192;
  const x = nearCertainLogits(vocab);
  const ref = logSoftmax64(x);
  const identity = makeModel({
    name: 'logits',
    node: [node('Identity', ['x'], ['logits'])],
    input: [valueInfo('x', DataType.FLOAT, ['batch', 'positions', vocab])],
    output: [valueInfo('logits', DataType.FLOAT, ['batch', 'positions', vocab])],
  });
  const spec = (score: TargetSpec['score']): TargetSpec => ({ score, tokens: [0], positions: [0] });
  const run = async (score: TargetSpec['score']) => {
    const withTarget = appendTarget(identity, kindOf(spec(score)));
    const g = await factory.create(encodeModel(gradientModel(withTarget, { wrt: ['x'], target: TARGET })));
    const feeds = {
      x: new nodeOrt.Tensor('float32', x, [1, 1, vocab]),
      ...targetFeeds(nodeOrt, spec(score), g.inputNames),
    };
    const out = await g.run(feeds);
    return {
      value: (out[TARGET].data as Float32Array)[0],
      dx: out['grad.x'].data as Float32Array,
      withTarget,
    };
  };

  it('log-probability: value and gradient within 1e-4 relative of float64, the graph batch-separable', async () => {
    const { value, dx, withTarget } = await run('log_probability');
    // float32 LogSoftmax alone (onnxruntime) drops the terms below 2⁻²⁴ from its sum: 12% off here.
    expect(Math.abs(value - ref[0]) / -ref[0]).toBeLessThan(1e-4);
    const atTop = -Math.expm1(ref[0]);
    expect(Math.abs(dx[0] - atTop) / atTop).toBeLessThan(1e-4);
    expect(Math.abs(dx[1] + Math.exp(ref[1])) / Math.exp(ref[1])).toBeLessThan(1e-4);
    // the appended reductions run over axis 2, which the batch-coupling check sees as per example
    expect(isBatchSeparable(withTarget)).toBe(true);
  });

  it('probability: 1 − p within 1e-3 relative of float64', async () => {
    const { value } = await run('probability');
    const rest = -Math.expm1(ref[0]);
    expect(Math.abs(1 - value - rest) / rest).toBeLessThan(1e-3);
  });
});
