/** Saliency scores for display: the scale, numbers and the target and checks as text. */
import type { SaliencyEntry } from './types.js';

export interface SaliencyScale {
  /** any negative score: a diverging scale centred on 0 */
  signed: boolean;
  /** the largest |score| (the scale's ends), at least a tiny epsilon */
  max: number;
}

export function saliencyScale(scores: readonly number[]): SaliencyScale {
  let max = 0;
  let signed = false;
  for (const s of scores) {
    if (!Number.isFinite(s)) continue;
    if (s < 0) signed = true;
    max = Math.max(max, Math.abs(s));
  }
  return { signed, max: max > 0 ? max : 1 };
}

/** Position of a score on the scale: [-1, 1] when signed, [0, 1] otherwise; NaN maps to 0. */
export function saliencyT(score: number, s: SaliencyScale): number {
  if (!Number.isFinite(score)) return 0;
  const t = Math.max(-1, Math.min(1, score / s.max));
  return s.signed ? t : Math.max(0, t);
}

/** A score for people: 3 significant digits, scientific only for very small or large magnitudes. */
export function formatScore(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a < 1e-3 || a >= 1e5 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/** "Target: label POSITIVE" etc. from an entry's free-form target object. */
export function targetText(t: Record<string, unknown>): string {
  const parts = Object.entries(t)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k.replace(/_/g, ' ')} ${typeof v === 'number' ? formatScore(v) : String(v)}`);
  return parts.join(', ');
}

/** The completeness check of integrated gradients as a sentence part, e.g. "completeness error 0.42%". */
export function completenessText(e: SaliencyEntry): string | null {
  const v = e.checks?.completeness_error;
  if (v === undefined || !Number.isFinite(v)) return null;
  return `completeness error ${Number((v * 100).toPrecision(2))}% of f(x) − f(baseline)`;
}
