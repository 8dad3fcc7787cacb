/**
 * How far to trust a saliency map, in words: the document's faithfulness figures (ERASER
 * comprehensiveness and sufficiency, against random rankings) and, where the true rationale is
 * known, the map's agreement with it. A figure not above its random baseline is flagged: such a map
 * ranks tokens no better than chance at what the model actually relies on.
 */
import type { ExplanationDocument } from './types.js';

export interface TrustLine {
  key:
    | 'saturation'
    | 'comprehensiveness'
    | 'sufficiency'
    | 'method'
    | 'rationale'
    | 'stability'
    | 'significance'
    | 'sanity'
    | 'agreement';
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
  const entry = doc.saliency?.[0];
  return [...out, ...metricLines(doc, entry ? [entry.method] : [])];
}

/** Below this mean Spearman ρ a map (or rollout) is called unstable under rewording. */
export const STABLE_RHO = 0.5;

const interval = (v: unknown) => {
  const i = obj(v);
  return i && num(i.mean)
    ? { mean: i.mean, lo: num(i.lo) ? i.lo : i.mean, hi: num(i.hi) ? i.hi : i.mean }
    : null;
};
const withCi = (i: { mean: number; lo: number; hi: number }) => `${f2(i.mean)} (95% ${f2(i.lo)}–${f2(i.hi)})`;
const f2 = (v: number) => v.toFixed(2);
const MAP_NAME: Record<string, string> = { last_layer_mean: 'last-layer attention', rollout: 'rollout' };
const mapName = (k: string) => MAP_NAME[k] ?? k.replaceAll('_', ' ');

/**
 * The reliability metrics asked for on the request (`metrics.stability`, …), one line each: for a
 * saliency document those of its map (`maps` names it), for an attention document those of its
 * attention maps. Shared by the saliency view and the attention views' trust panel.
 */
export function metricLines(doc: ExplanationDocument, maps: string[] = []): TrustLine[] {
  const m = obj(doc.metrics);
  if (!m) return [];
  const out: TrustLine[] = [];
  const st = obj(m.stability);
  if (st) {
    const kept = Array.isArray(st.perturbations) ? st.perturbations.length : 0;
    const of = `${kept} rewordings that keep the prediction`;
    const rho = interval(st.spearman);
    const roll = obj(st.rollout);
    if (rho) {
      const tau = interval(st.kendall);
      const top = interval(st.top_k);
      const stable = rho.mean >= STABLE_RHO;
      out.push({
        key: 'stability',
        text: `Stability ρ ${withCi(rho)}${tau ? `, τ ${f2(tau.mean)}` : ''}${top ? `, top-${pct(num(st.top_k_fraction) ? st.top_k_fraction : 0.2)} overlap ${f2(top.mean)}` : ''} over ${of}: whether the map keeps its ranking when the text is reworded without changing its meaning (1 = the same ranking)${stable ? '.' : '. Unstable: small rewordings reorder it.'}`,
        warn: !stable,
      });
    } else if (Array.isArray(st.heads)) {
      const heads = st.heads
        .map(obj)
        .filter((h): h is Record<string, unknown> => !!h && !!interval(h.spearman));
      const rhos = heads.map((h) => interval(h.spearman)!.mean).sort((a, b) => a - b);
      const least = heads.find((h) => interval(h.spearman)!.mean === rhos[0]);
      const rr = roll && interval(roll.spearman);
      const js = roll && interval(roll.js_distance);
      const parts = [
        rr ? `rollout ρ ${withCi(rr)}${js ? `, row Jensen–Shannon distance ${f2(js.mean)}` : ''}` : '',
        rhos.length
          ? `heads: median ρ ${f2(rhos[Math.floor(rhos.length / 2)])}, least stable layer ${least?.layer} head ${least?.head} (ρ ${f2(rhos[0])})`
          : '',
      ].filter(Boolean);
      const stable = rr ? rr.mean >= STABLE_RHO : true;
      out.push({
        key: 'stability',
        text: `Attention stability over ${of}: ${parts.join('; ')}. Whether the weights keep their ranking when the text is reworded (1 = the same; a distance of 0 = the same rows)${stable ? '.' : '. Unstable: small rewordings reorder rollout.'}`,
        warn: !stable,
      });
    }
  }
  const sig = obj(m.significance);
  const names = (k: string) => (maps.length ? maps.includes(k) : true);
  if (sig) {
    for (const [k, v] of Object.entries(sig)) {
      const s = obj(v);
      if (!names(k) || !s || !Array.isArray(s.significant) || !Array.isArray(s.p)) continue;
      const idx = s.significant.filter(num);
      const tested = s.p.filter(num).length;
      const words = idx.map((i) => doc.input.tokens[i]?.text).filter(Boolean);
      const alpha = num(s.alpha) ? s.alpha : 0.05;
      out.push({
        key: 'significance',
        text: `Significant${maps.length ? '' : ` (${mapName(k)})`}: ${idx.length} of ${tested} tokens${words.length ? ` (${words.join(', ')})` : ''} score above what ${num(s.samples) ? s.samples : ''} random texts get, at a false discovery rate of ${alpha} (Benjamini–Hochberg)${idx.length ? '; marked ◆ in the map.' : '.'}`,
      });
    }
  }
  const san = obj(m.sanity);
  if (san) {
    for (const [k, v] of Object.entries(san)) {
      const s = obj(v);
      if (!names(k) || !s || !Array.isArray(s.cascade)) continue;
      const last = obj(s.cascade.at(-1));
      const rho = last && num(last.spearman) ? last.spearman : null;
      const flagged = s.insensitive === true;
      out.push({
        key: 'sanity',
        text: `Sanity${maps.length ? '' : ` (${mapName(k)})`} (Adebayo et al. 2018): with every layer's weights randomized, top down, the map correlates ρ ${rho === null ? '–' : f2(rho)} with this one${flagged ? '. Barely changes when the model is destroyed: it does not explain this model.' : ': it depends on what the model learned.'}`,
        warn: flagged,
      });
    }
  }
  const ag = obj(m.agreement);
  if (ag && Array.isArray(ag.pairs)) {
    const pairs = ag.pairs
      .map(obj)
      .filter(
        (p): p is Record<string, unknown> =>
          !!p && typeof p.attention === 'string' && typeof p.method === 'string',
      )
      .map(
        (p) =>
          `${mapName(p.attention as string)} ↔ ${(p.method as string).replaceAll('_', ' ')} ${num(p.kendall) ? f2(p.kendall) : '–'}`,
      );
    if (pairs.length)
      out.push({
        key: 'agreement',
        text: `Attention vs gradients (Jain & Wallace 2019), Kendall τ: ${pairs.join(', ')}. Near 0 the rankings disagree, so they cannot both show what the model relies on.`,
      });
  }
  return out;
}

/** Tokens the significance metric marks, for the map named (a saliency method, or an attention map). */
export function significantTokens(doc: ExplanationDocument, map: string): Set<number> {
  const s = obj(obj(obj(doc.metrics)?.significance)?.[map]);
  return new Set(Array.isArray(s?.significant) ? s.significant.filter(num) : []);
}
