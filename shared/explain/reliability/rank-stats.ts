/**
 * Rank statistics the reliability metrics share: Spearman's ρ, Kendall's τ-b (ties counted, so a map
 * with many equal scores is not over-credited), top-k overlap, and a mean with its 95% interval.
 */

/** Average ranks (1-based), ties sharing the mean of their positions. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && xs[order[j + 1]] === xs[order[i]]) j++;
    for (let k = i; k <= j; k++) r[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n;
  const mb = b.reduce((s, v) => s + v, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  // Two constant maps rank alike; a constant map against a varying one says nothing (0).
  if (saa === 0 || sbb === 0) return saa === sbb ? 1 : 0;
  return sab / Math.sqrt(saa * sbb);
}

function check(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length) throw new Error(`rank statistics: lengths ${a.length} and ${b.length}`);
}

/** Spearman's ρ: Pearson's correlation of the average ranks. NaN for fewer than two values. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  check(a, b);
  if (a.length < 2) return Number.NaN;
  return pearson(ranks(a), ranks(b));
}

/** Kendall's τ-b: (concordant − discordant) / √((n₀ − ties in a)(n₀ − ties in b)). NaN below two values. */
export function kendallTauB(a: readonly number[], b: readonly number[]): number {
  check(a, b);
  const n = a.length;
  if (n < 2) return Number.NaN;
  let s = 0;
  let tiesA = 0;
  let tiesB = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[i] - a[j]);
      const db = Math.sign(b[i] - b[j]);
      if (da === 0) tiesA++;
      if (db === 0) tiesB++;
      s += da * db;
    }
  const n0 = (n * (n - 1)) / 2;
  const d = Math.sqrt((n0 - tiesA) * (n0 - tiesB));
  if (d === 0) return tiesA === tiesB ? 1 : 0;
  return s / d;
}

/** Indices of the k largest values (ties by index, so the result is deterministic). */
export function topK(xs: readonly number[], k: number): number[] {
  return xs
    .map((_, i) => i)
    .sort((a, b) => xs[b] - xs[a] || a - b)
    .slice(0, k);
}

/** Share of the k largest of `a` that are among the k largest of `b`. */
export function topKOverlap(a: readonly number[], b: readonly number[], k: number): number {
  check(a, b);
  const kk = Math.min(k, a.length);
  if (kk === 0) return Number.NaN;
  const tb = new Set(topK(b, kk));
  return topK(a, kk).filter((i) => tb.has(i)).length / kk;
}

/** Two-sided 97.5% quantiles of Student's t for 1…30 degrees of freedom; 1.96 beyond. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(df: number): number {
  return df >= 1 && df <= T975.length ? T975[df - 1] : 1.96;
}

export interface Interval {
  mean: number;
  /** the 95% interval of the mean (Student's t over the values); equal to mean for one value */
  lo: number;
  hi: number;
  /** values averaged (NaNs left out) */
  n: number;
}

/** Mean and 95% t interval of the finite values. */
export function meanInterval(values: readonly number[]): Interval {
  const v = values.filter(Number.isFinite);
  const n = v.length;
  if (n === 0) return { mean: Number.NaN, lo: Number.NaN, hi: Number.NaN, n: 0 };
  const mean = v.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { mean, lo: mean, hi: mean, n };
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const h = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { mean, lo: mean - h, hi: mean + h, n };
}

/** Jensen–Shannon distance (√ of the divergence, base 2, so in [0, 1]) of two distributions, renormalised. */
export function jsDistance(p: readonly number[], q: readonly number[]): number {
  check(p, q);
  const sp = p.reduce((s, v) => s + v, 0);
  const sq = q.reduce((s, v) => s + v, 0);
  if (sp <= 0 || sq <= 0) return Number.NaN;
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = q[i] / sq;
    const m = (a + b) / 2;
    if (a > 0) d += 0.5 * a * Math.log2(a / m);
    if (b > 0) d += 0.5 * b * Math.log2(b / m);
  }
  return Math.sqrt(Math.max(0, d));
}
