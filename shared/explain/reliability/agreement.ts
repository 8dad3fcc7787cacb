/**
 * Agreement between attention and gradients (Jain & Wallace 2019, "Attention is not Explanation"):
 * Kendall's τ-b between the token rankings attention gives (./attention-maps.ts) and those of
 * gradient-based methods on the same input, over the non-special tokens. Gradient maps rank by
 * magnitude (a large negative gradient matters as much as a positive one), as in the paper.
 * A low τ says the two cannot both describe what the model relies on.
 */
import { kendallTauB, spearman } from './rank-stats.js';

export interface AgreementPair {
  attention: string;
  method: string;
  kendall: number;
  spearman: number;
}

export interface Agreement {
  /** tokens compared (special tokens left out) */
  tokens: number;
  pairs: AgreementPair[];
}

export function agreement(
  attention: Record<string, readonly number[]>,
  gradients: Record<string, readonly number[]>,
  special: readonly boolean[],
): Agreement {
  const keep = special.map((s, i) => (s ? -1 : i)).filter((i) => i >= 0);
  const pick = (v: readonly number[], abs: boolean) => keep.map((i) => (abs ? Math.abs(v[i]) : v[i]));
  const pairs: AgreementPair[] = [];
  for (const [a, av] of Object.entries(attention))
    for (const [m, mv] of Object.entries(gradients)) {
      const x = pick(av, false);
      const y = pick(mv, true);
      pairs.push({ attention: a, method: m, kendall: kendallTauB(x, y), spearman: spearman(x, y) });
    }
  return { tokens: keep.length, pairs };
}
