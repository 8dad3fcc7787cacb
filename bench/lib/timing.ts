/**
 * Side-by-side timing: two variants run alternately (A, B, A, B …) after a warm-up, so that drift
 * on a shared, noisy machine hits both alike. The figure to trust is the median of the per-pair
 * ratios; the two medians are reported for scale only.
 */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export type Task = () => Promise<unknown>;

export interface InterleaveOptions {
  /** untimed runs of each variant before measuring (also used to size a sample) */
  warmup: number;
  /** pairs measured at least, whatever the budget */
  minPairs: number;
  /** pairs measured at most */
  maxPairs: number;
  /** stop adding pairs once this much wall time has gone into measuring */
  budgetMs: number;
  /** a sample repeats a variant until it lasts about this long (timer granularity, call overhead) */
  minSampleMs: number;
}

export const DEFAULT_INTERLEAVE: InterleaveOptions = {
  warmup: 5,
  minPairs: 15,
  maxPairs: 400,
  budgetMs: 2500,
  minSampleMs: 2,
};

export interface PairedTiming {
  /** median time of one run of A, ms */
  a: number;
  /** median time of one run of B, ms */
  b: number;
  /** median over pairs of (B sample ÷ A sample) */
  ratio: number;
  pairs: number;
  /** runs per sample */
  reps: number;
}

async function sample(task: Task, reps: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await task();
  return (performance.now() - t0) / reps;
}

/** Times A and B interleaved; the ratio is B ÷ A. */
export async function interleaved(
  a: Task,
  b: Task,
  options: Partial<InterleaveOptions> = {},
): Promise<PairedTiming> {
  const o = { ...DEFAULT_INTERLEAVE, ...options };
  const warm: number[] = [];
  for (let i = 0; i < o.warmup; i++) {
    warm.push(await sample(a, 1));
    warm.push(await sample(b, 1));
  }
  const one = Math.max(median(warm), 1e-3);
  const reps = Math.max(1, Math.ceil(o.minSampleMs / one));
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  const start = performance.now();
  while (as.length < o.maxPairs && (as.length < o.minPairs || performance.now() - start < o.budgetMs)) {
    const ta = await sample(a, reps);
    const tb = await sample(b, reps);
    as.push(ta);
    bs.push(tb);
    ratios.push(tb / ta);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios), pairs: as.length, reps };
}
