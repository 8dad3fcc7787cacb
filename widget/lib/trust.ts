/**
 * How far to trust a saliency map, in words: the document's faithfulness figures (ERASER
 * comprehensiveness and sufficiency, against random rankings) and, where the true rationale is
 * known, the map's agreement with it. A figure not above its random baseline is flagged: such a map
 * ranks tokens no better than chance at what the model actually relies on.
 */
import type { ExplanationDocument } from './types.js';

export interface TrustLine {
  key: 'saturation' | 'comprehensiveness' | 'sufficiency' | 'method' | 'rationale';
  text: string;
  /** not above random: the reader should not trust the ranking */
  warn?: boolean;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const f3 = (v: number) => v.toFixed(3);
const pct = (f: number) => `${Number((f * 100).toPrecision(3))}%`;

/**
 * The figures of `doc.metrics`, one line each. The metrics belong to the document, so they are
 * shown only for a document with one saliency map (what every producer emits); with several, which
 * map they describe is unknown.
 */
export function trustLines(doc: ExplanationDocument): TrustLine[] {
  if ((doc.saliency?.length ?? 0) !== 1) return [];
  const out: TrustLine[] = [];
  // The core's flag (shared/explain/saturation.ts): a target within 1e-4 of certainty.
  const checks = obj(doc.saliency?.[0].checks);
  if (checks?.target_saturated === 1 && num(checks.target_saturation)) {
    out.push({
      key: 'saturation',
      text: `Saturated target: the model leaves only ${checks.target_saturation.toExponential(1)} to other outcomes, so its gradient says little about which tokens matter; a contrast with a foil, or occlusion, reads it better.`,
      warn: true,
    });
  }
  const f = obj(doc.metrics?.faithfulness);
  if (f && num(f.comprehensiveness) && num(f.random_comprehensiveness)) {
    const c = f.comprehensiveness;
    const r = f.random_comprehensiveness;
    const above = c > r;
    out.push({
      key: 'comprehensiveness',
      text: `Comprehensiveness ${f3(c)} (random ${f3(r)}): removing the top-ranked tokens lowers the model's score for the target ${above ? 'more' : 'no more'} than removing random ones${above ? '.' : '. Not above random: this map may not show what the model relies on.'}`,
      warn: !above,
    });
  }
  if (f && num(f.sufficiency)) {
    const of = num(f.target) ? ` (of ${f3(f.target)})` : '';
    out.push({
      key: 'sufficiency',
      text: `Sufficiency ${f3(f.sufficiency)}, lower is better: keeping only the top-ranked tokens lowers the score${of} by this much.`,
    });
  }
  if (f && Array.isArray(f.fractions) && f.fractions.every(num)) {
    const shuffles = num(f.random_rankings) ? `; random: ${f.random_rankings} shuffled rankings` : '';
    out.push({
      key: 'method',
      text: `ERASER (DeYoung et al. 2020), averaged over ${f.fractions.map(pct).join(', ')} of the tokens${shuffles}.`,
    });
  }
  const r = obj(doc.metrics?.rationale);
  if (r && num(r.precision) && num(r.random_precision) && Array.isArray(r.rationale)) {
    const words = r.rationale.filter((w): w is string => typeof w === 'string');
    const k = words.length;
    const hits = Math.round(r.precision * k);
    const above = r.precision > r.random_precision;
    out.push({
      key: 'rationale',
      text: `Rationale agreement ${f3(r.precision)} (random ${f3(r.random_precision)}): ${hits} of the ${k} words it ranks highest are the known rationale (${words.join(', ')})${above ? '.' : '. Not above random.'}`,
      warn: !above,
    });
  }
  return out;
}
