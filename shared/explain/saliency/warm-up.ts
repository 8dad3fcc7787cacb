/**
 * A warm-up for a freshly opened model: V8 first runs wasm on its baseline tier (Liftoff) and
 * compiles hot functions with its optimizing tier in the background, so the first explanation in a
 * fresh process or isolate ran several times slower than later ones (issue 17: a 16-token forward
 * 15.4 ms cold vs 2.1 ms warm). Running the gradient program on a short input a few times, while
 * nobody waits for it, marks the kernels hot; bench/cold.ts measures what it buys.
 */
import type { TargetKind, TargetSpec } from '../targets.js';
import type { SaliencyContext } from './context.js';

export interface WarmUpOptions {
  /** tokens of the warm-up input (short: the kernels are the same at every length) */
  tokens?: number;
  /** batch of each run (batched runs take other kernel paths than batch 1; IG batches) */
  batch?: number;
  /** runs at most */
  runs?: number;
  /** stop starting runs after this long, ms */
  budgetMs?: number;
}

export interface WarmUpReport {
  runs: number;
  ms: number;
}

/** The warm-up target: the first label's logit, the gradient program IG and the gradient methods use. */
export const WARM_UP_KIND: TargetKind = { score: 'logit', contrast: false };

export async function warmUpSaliency(ctx: SaliencyContext, o: WarmUpOptions = {}): Promise<WarmUpReport> {
  const tokens = o.tokens ?? 8;
  const batch = Math.min(o.batch ?? 2, ctx.batchSize(tokens));
  const runs = o.runs ?? 8;
  const budget = o.budgetMs ?? 1500;
  // Ordinary ids past the special tokens: ids below 5 are [PAD]/[CLS]/… in every shipped vocabulary.
  const ids = Array.from({ length: tokens }, (_, i) => 5 + (i % Math.max(1, ctx.embedding.vocab - 5)));
  const target: TargetSpec = { score: WARM_UP_KIND.score, tokens: [0], positions: [tokens - 1] };
  const program = ctx.program(WARM_UP_KIND);
  const one = ctx.embed(ids);
  const x = new Float32Array(batch * one.length);
  for (let b = 0; b < batch; b++)
    x.set(
      one.map((v) => v * ((b + 1) / batch)),
      b * one.length,
    );
  const t0 = performance.now();
  let done = 0;
  while (done < runs && performance.now() - t0 < budget) {
    await program.gradient(x, batch, { ids }, target);
    done++;
  }
  return { runs: done, ms: performance.now() - t0 };
}
