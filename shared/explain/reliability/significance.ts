/**
 * Whether each token's attribution stands out of noise. The null: the same method's attributions on
 * `samples` random inputs of the same length (every non-special token replaced by a uniformly drawn
 * vocabulary id, specials kept): what the method gives a token when the text carries no meaning. A
 * token's p-value is the share of null attributions at least as large in magnitude (with the +1 of
 * an exact permutation-style test), its z-score its distance from the null mean in null standard
 * deviations; the Benjamini–Hochberg procedure holds the false discovery rate at `alpha` over the
 * non-special tokens, and the tokens it keeps are marked significant.
 */
import { Rng } from '../../util/random.js';

export const DEFAULT_ALPHA = 0.05;

export interface Significance {
  null: 'random_tokens';
  samples: number;
  alpha: number;
  correction: 'benjamini_hochberg';
  /** per input token; null for special tokens, which are not tested */
  z: (number | null)[];
  p: (number | null)[];
  /** indices of the tokens whose attribution is significant after the correction */
  significant: number[];
}

/** Null inputs: `samples` copies of `ids` with every non-special id replaced by a seeded random one. */
export function randomInputs(
  ids: readonly number[],
  special: readonly boolean[],
  vocab: number,
  samples: number,
  seed: number,
): number[][] {
  const rng = new Rng(seed);
  const specialIds = new Set(ids.filter((_, i) => special[i]));
  return Array.from({ length: samples }, () =>
    ids.map((id, i) => {
      if (special[i]) return id;
      let r: number;
      do r = Math.floor(rng.next() * vocab);
      while (specialIds.has(r));
      return r;
    }),
  );
}

/** Benjamini–Hochberg: which of the p-values are rejected at false discovery rate `alpha`. */
export function benjaminiHochberg(p: readonly number[], alpha: number): boolean[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b]);
  let k = -1;
  order.forEach((i, r) => {
    if (p[i] <= ((r + 1) / m) * alpha) k = r;
  });
  const out = new Array<boolean>(m).fill(false);
  for (let r = 0; r <= k; r++) out[order[r]] = true;
  return out;
}

/** The test itself, given the map and the null maps (one per random input). */
export function significanceOf(
  scores: readonly number[],
  special: readonly boolean[],
  nullMaps: readonly (readonly number[])[],
  alpha = DEFAULT_ALPHA,
): Significance {
  const pool: number[] = [];
  for (const m of nullMaps)
    m.forEach((v, i) => {
      if (!special[i]) pool.push(Math.abs(v));
    });
  const n = pool.length;
  const mean = pool.reduce((s, v) => s + v, 0) / Math.max(1, n);
  const sd = Math.sqrt(pool.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, n - 1));
  const tested = scores.map((_, i) => i).filter((i) => !special[i]);
  const p = tested.map((i) => {
    const a = Math.abs(scores[i]);
    // a score of exactly 0 can never stand out, whatever the null
    if (a === 0) return 1;
    return (1 + pool.filter((v) => v >= a).length) / (1 + n);
  });
  const rejected = benjaminiHochberg(p, alpha);
  const z: (number | null)[] = scores.map(() => null);
  const ps: (number | null)[] = scores.map(() => null);
  tested.forEach((i, k) => {
    z[i] = sd > 0 ? (Math.abs(scores[i]) - mean) / sd : 0;
    ps[i] = p[k];
  });
  return {
    null: 'random_tokens',
    samples: nullMaps.length,
    alpha,
    correction: 'benjamini_hochberg',
    z,
    p: ps,
    significant: tested.filter((_, k) => rejected[k]),
  };
}

/** Draws the null inputs, maps each with `mapOf`, and tests the map against them. */
export async function significance(
  ids: readonly number[],
  special: readonly boolean[],
  scores: readonly number[],
  vocab: number,
  mapOf: (ids: number[]) => Promise<readonly number[]>,
  samples: number,
  seed = 0,
): Promise<Significance> {
  const nullMaps: (readonly number[])[] = [];
  for (const r of randomInputs(ids, special, vocab, samples, seed)) nullMaps.push(await mapOf(r));
  return significanceOf(scores, special, nullMaps);
}
