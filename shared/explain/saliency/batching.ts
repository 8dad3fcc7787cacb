/**
 * Runs many inputs of one shape (interpolation steps, noisy copies, occlusions) through the model in
 * batches along the batch axis, each batch as large as the context's memory budget allows.
 */
import { yieldToHost } from '../../util/yield.js';
import type { TargetSpec } from '../targets.js';
import type { SaliencyContext } from './context.js';
import type { DifferentiableModel } from './program.js';
import type { AttributionInput } from './types.js';

export interface BatchJob {
  count: number;
  /** writes input k's embeddings [tokens · hidden] into `out` */
  make(k: number, out: Float32Array): void;
}

async function chunks(
  ctx: SaliencyContext,
  input: AttributionInput,
  job: BatchJob,
  run: (embeds: Float32Array, batch: number, first: number) => Promise<void>,
) {
  const size = input.ids.length * ctx.embedding.hidden;
  const batch = ctx.batchSize(input.ids.length);
  for (let first = 0; first < job.count; first += batch) {
    const b = Math.min(batch, job.count - first);
    const embeds = new Float32Array(b * size);
    for (let j = 0; j < b; j++) job.make(first + j, embeds.subarray(j * size, (j + 1) * size));
    await run(embeds, b, first);
    await yieldToHost(); // let other requests in between batches
  }
}

/** Gradients of all inputs of `job`; `use(k, grad, value)` sees each. */
export function batchedGradients(
  ctx: SaliencyContext,
  program: DifferentiableModel,
  input: AttributionInput,
  target: TargetSpec,
  job: BatchJob,
  use: (k: number, grad: Float32Array, value: number) => void,
): Promise<void> {
  const size = input.ids.length * ctx.embedding.hidden;
  return chunks(ctx, input, job, async (embeds, b, first) => {
    const { values, grads } = await program.gradient(embeds, b, input, target);
    for (let j = 0; j < b; j++) use(first + j, grads.subarray(j * size, (j + 1) * size), values[j]);
  });
}

/** Target values of all inputs of `job`. */
export async function batchedForward(
  ctx: SaliencyContext,
  program: DifferentiableModel,
  input: AttributionInput,
  target: TargetSpec,
  job: BatchJob,
): Promise<Float32Array> {
  const out = new Float32Array(job.count);
  await chunks(ctx, input, job, async (embeds, b, first) => {
    out.set(await program.forward(embeds, b, input, target), first);
  });
  return out;
}

/** Per-token reductions of a [tokens · hidden] array. */
export function perToken(
  data: ArrayLike<number>,
  tokens: number,
  hidden: number,
  f: (row: ArrayLike<number>, t: number) => number,
) {
  const arr = data as Float32Array;
  return Array.from({ length: tokens }, (_, t) => f(arr.subarray(t * hidden, (t + 1) * hidden), t));
}

export const l2 = (row: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < row.length; i++) s += row[i] * row[i];
  return Math.sqrt(s);
};

export const sum = (row: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < row.length; i++) s += row[i];
  return s;
};
