import { describe, expect, it } from 'vitest';
import type { ModelProto } from '../../onnx/proto.js';
import type { ModelShape } from '../../runtime/model-config.js';
import { batchSizeFor, bytesPerExample, logitsPerExample, MAX_BATCH_ROWS } from './batch-size.js';
import { SaliencyContext } from './context.js';

/** A graph with only its `logits` output declared, as the exports declare it. */
const withLogits = (...dims: (number | string)[]): ModelProto =>
  ({
    graph: {
      output: [
        {
          name: 'logits',
          type: {
            tensorType: {
              shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
            },
          },
        },
      ],
    },
  }) as ModelProto;

// brown-sentiment's and brown-gpt's shapes (models/*/config.json)
const classifier: ModelShape = { family: 'encoder', layers: 4, heads: 4, hidden: 128 };
const lm: ModelShape = { family: 'decoder', layers: 4, heads: 4, hidden: 128 };
const VOCAB = 8000;
const WORKER_BUDGET = 24 * 2 ** 20;

describe('the batch of one gradient run', () => {
  it('charges a classifier its labels, not [tokens × vocab] logits', () => {
    const graphs = { model: withLogits('batch_size', 3) };
    expect(logitsPerExample(graphs.model, 64, VOCAB)).toBe(3);
    // The old estimate charged 4 · 64 · 8000 floats of logits and left brown-sentiment batch 1 at
    // 64 tokens under the worker's budget.
    expect(batchSizeFor(classifier, graphs, 64, VOCAB, { memoryBudget: WORKER_BUDGET })).toBeGreaterThan(1);
  });

  it("still charges a language model's [tokens, vocab] logits", () => {
    const graphs = { model: withLogits('batch_size', 'sequence_length', VOCAB) };
    expect(logitsPerExample(graphs.model, 64, VOCAB)).toBe(64 * VOCAB);
    expect(
      bytesPerExample(lm, graphs, 64, VOCAB) -
        bytesPerExample(classifier, { model: withLogits('b', 3) }, 64, VOCAB),
    ).toBe(4 * 4 * (64 * VOCAB - 3));
  });

  it('assumes [tokens, vocab] where the output shape is not declared', () => {
    expect(logitsPerExample({ graph: { output: [{ name: 'logits' }] } } as ModelProto, 16, VOCAB)).toBe(
      16 * VOCAB,
    );
  });

  it('caps batch × tokens at the measured row limit whatever the budget', () => {
    const graphs = { model: withLogits('batch_size', 3) };
    const huge = { memoryBudget: 2 ** 40 };
    expect(batchSizeFor(classifier, graphs, 256, VOCAB, huge)).toBe(MAX_BATCH_ROWS / 256);
    expect(batchSizeFor(classifier, graphs, 16, VOCAB, huge)).toBe(MAX_BATCH_ROWS / 16);
    expect(batchSizeFor(classifier, graphs, 1024, VOCAB, huge)).toBe(1);
    expect(batchSizeFor(classifier, graphs, 4, VOCAB, { ...huge, maxBatch: 5 })).toBe(5);
  });

  it("is what the saliency context batches by (the worker's budget)", () => {
    const embedding = { vocab: VOCAB, hidden: 128, data: new Float32Array(0) };
    const ctx = (budget: number) =>
      new SaliencyContext(
        { model: withLogits('batch_size', 3) },
        undefined as never,
        classifier,
        embedding,
        0,
        {
          memoryBudget: budget,
        },
      );
    expect(ctx(WORKER_BUDGET).batchSize(64)).toBeGreaterThan(1);
    expect(ctx(2 ** 40).batchSize(256)).toBe(2);
  });
});
