/**
 * How faithful a token ranking is to the model (DeYoung et al. 2020, ERASER): remove the top-ranked
 * tokens and the target should drop (comprehensiveness); keep only them and it should hold
 * (sufficiency, lower is better). Averaged over several fractions of the tokens (AOPC), and set
 * against the same measure for random rankings, which is what an uninformative explanation scores.
 * "Removing" a token replaces its embedding by zeros, the occlusion baseline; special tokens stay.
 */
import { Rng } from '../../util/random.js';
import { batchedForward } from '../saliency/batching.js';
import type { SaliencyContext } from '../saliency/context.js';
import type { AttributionInput } from '../saliency/types.js';
import { kindOf, type TargetSpec } from '../targets.js';

export interface Faithfulness {
  /** fractions of the (non-special) tokens removed or kept */
  fractions: number[];
  /** mean of f(x) − f(x without the top tokens); higher is more faithful */
  comprehensiveness: number;
  /** mean of f(x) − f(only the top tokens); lower is more faithful */
  sufficiency: number;
  /** comprehensiveness of random rankings (mean of `random_rankings` seeded shuffles) */
  random_comprehensiveness: number;
  random_rankings: number;
  /** f(x) after removing the top tokens, per fraction: the deletion curve */
  deletion: number[];
  /** f(x) */
  target: number;
}

export interface FaithfulnessOptions {
  fractions?: number[];
  randomRankings?: number;
  seed?: number;
  /** signed scores rank by value (evidence for the target); unsigned by magnitude */
  signed?: boolean;
}

const DEFAULT_FRACTIONS = [0.1, 0.2, 0.3, 0.5];

export async function faithfulness(
  ctx: SaliencyContext,
  input: AttributionInput,
  target: TargetSpec,
  scores: number[],
  special: boolean[],
  opts: FaithfulnessOptions = {},
): Promise<Faithfulness> {
  const fractions = opts.fractions ?? DEFAULT_FRACTIONS;
  const randomRankings = opts.randomRankings ?? 3;
  const program = ctx.program(kindOf(target));
  const hidden = ctx.embedding.hidden;
  const x = ctx.embed(input.ids);
  const eligible = scores.map((_, i) => i).filter((i) => !special[i]);
  const byScore = [...eligible].sort((a, b) =>
    opts.signed ? scores[b] - scores[a] : Math.abs(scores[b]) - Math.abs(scores[a]),
  );
  const rng = new Rng(opts.seed ?? 0);
  const shuffled = Array.from({ length: randomRankings }, () => {
    const o = [...eligible];
    for (let i = o.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [o[i], o[j]] = [o[j], o[i]];
    }
    return o;
  });
  const top = (order: number[], f: number) =>
    new Set(order.slice(0, Math.max(1, Math.round(f * order.length))));
  // One batch: the input itself, then for each ranking and fraction "without the top" (and, for the
  // explanation's ranking, "only the top").
  const jobs: { zero: (i: number) => boolean }[] = [{ zero: () => false }];
  for (const f of fractions) {
    const t = top(byScore, f);
    jobs.push({ zero: (i) => t.has(i) });
    jobs.push({ zero: (i) => !special[i] && !t.has(i) });
  }
  for (const order of shuffled)
    for (const f of fractions) {
      const t = top(order, f);
      jobs.push({ zero: (i) => t.has(i) });
    }
  const values = await batchedForward(ctx, program, input, target, {
    count: jobs.length,
    make: (k, out) => {
      out.set(x);
      for (let i = 0; i < input.ids.length; i++)
        if (jobs[k].zero(i)) out.fill(0, i * hidden, (i + 1) * hidden);
    },
  });
  const fx = values[0];
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
  const without = fractions.map((_, j) => values[1 + 2 * j]);
  const only = fractions.map((_, j) => values[2 + 2 * j]);
  const randomStart = 1 + 2 * fractions.length;
  const randomDrops = Array.from(values.subarray(randomStart), (v) => fx - v);
  return {
    fractions,
    comprehensiveness: mean(without.map((v) => fx - v)),
    sufficiency: mean(only.map((v) => fx - v)),
    random_comprehensiveness: mean(randomDrops),
    random_rankings: randomRankings,
    deletion: without,
    target: fx,
  };
}
