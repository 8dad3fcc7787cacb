/**
 * How many copies of one input a batched gradient run takes: the smaller of what the memory budget
 * allows and a cap on the rows (batch × tokens) one run may hold, both per the model's real shapes.
 *
 * Memory: a rough upper estimate of the float tensors alive in a forward + backward run, per example
 * and layer ~40 [tokens, hidden] tensors (projections, FFN, LayerNorm and their gradients) and ~4
 * [heads, tokens, tokens] (scores, probabilities and their gradients), plus the logits and their
 * gradient twice. The logits are read off the graph's output shape: [labels] per example for a
 * classifier (3 floats for brown-sentiment), [tokens, vocab] for a language model. Charging every
 * model [tokens × vocab] made the worker's 24 MiB budget force brown-sentiment to batch 1 from 64
 * tokens (issue 17).
 *
 * Rows: measured on onnxruntime-web, 1 thread, brown-sentiment fp32 and int8 (bench/ig-batch.ts,
 * 2026-12-03, a loaded 2-core machine): per example, batches of 32 at 16 tokens cost 0.39-0.43× batch 1, at 64 tokens
 * batches of 2-8 cost 0.8-0.9× and 32 cost 0.8-1.16×, at 256 tokens batch 2 ≈ batch 1 and batch 8
 * costs up to 1.56×. A run's working set beyond ~512 rows outgrows the caches and stops paying.
 */
import type { ModelProto } from '../../onnx/proto.js';
import type { ModelShape } from '../../runtime/model-config.js';
import type { Graphs } from './program.js';

/** batch × tokens one run may hold (see the measurement above) */
export const MAX_BATCH_ROWS = 512;
export const DEFAULT_MEMORY_BUDGET = 64 * 2 ** 20;
export const DEFAULT_MAX_BATCH = 64;

/**
 * Floats of the logits per example: the product of the output's dims after the batch, a named
 * (symbolic) dim read as the sequence. Unknown shapes: [tokens, vocab], the larger guess.
 */
export function logitsPerExample(graph: ModelProto | undefined, tokens: number, vocab: number): number {
  const outputs = graph?.graph?.output ?? [];
  const logits = outputs.find((o) => o.name === 'logits') ?? outputs[0];
  const dims = logits?.type?.tensorType?.shape?.dim;
  if (!dims || dims.length < 2) return tokens * vocab;
  let n = 1;
  for (const d of dims.slice(1)) {
    const v = Number(d.dimValue ?? 0);
    n *= v > 0 ? v : d.dimParam ? tokens : vocab;
  }
  return n;
}

/** Bytes one example of a `tokens`-long input takes in a forward + backward run (an upper estimate). */
export function bytesPerExample(shape: ModelShape, graphs: Graphs, tokens: number, vocab: number): number {
  const { layers, heads, hidden, encoderLayers } = shape;
  const allLayers = layers + (encoderLayers ?? 0);
  const head = graphs.model ?? graphs.decoder;
  return (
    4 *
    (allLayers * (40 * tokens * hidden + 4 * heads * tokens * tokens) +
      4 * logitsPerExample(head, tokens, vocab))
  );
}

export interface BatchLimits {
  memoryBudget?: number;
  maxBatch?: number;
}

export function batchSizeFor(
  shape: ModelShape,
  graphs: Graphs,
  tokens: number,
  vocab: number,
  limits: BatchLimits = {},
): number {
  const budget = limits.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
  const byMemory = Math.floor(budget / bytesPerExample(shape, graphs, tokens, vocab));
  const byRows = Math.floor(MAX_BATCH_ROWS / Math.max(1, tokens));
  return Math.max(1, Math.min(limits.maxBatch ?? DEFAULT_MAX_BATCH, byMemory, byRows));
}
