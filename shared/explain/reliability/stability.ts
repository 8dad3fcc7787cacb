/**
 * Stability under meaning-preserving perturbation: the map recomputed on K seeded edits of the text
 * that keep the model's prediction (./perturbations.ts), compared with the original's over the
 * tokens both share (matched by offset): Spearman's ρ, Kendall's τ-b and top-k overlap, each a mean
 * with its 95% interval over the K. For attention, the same for every head and for rollout over the
 * [shared × shared] weights, plus the Jensen–Shannon distance of each shared row.
 */
import type { Token } from '../../schema/document.js';
import type { Perturbation } from './perturbations.js';
import { alignTokens } from './perturbations.js';
import { type Interval, jsDistance, kendallTauB, meanInterval, spearman, topKOverlap } from './rank-stats.js';

/** Share of the shared tokens (or weights) that top-k overlap counts. */
export const TOP_K_FRACTION = 0.2;

export interface PerturbedInput {
  perturbation: Perturbation;
  tokens: Token[];
  ids: number[];
}

export interface RankAgreement {
  spearman: Interval;
  kendall: Interval;
  top_k: Interval;
}

export interface PerturbationSummary {
  kind: Perturbation['kind'];
  text: string;
  /** tokens shared with the original */
  shared: number;
}

export interface MapStability extends RankAgreement {
  /** perturbations asked for, and those made (each keeps the prediction and changes the tokens) */
  requested: number;
  perturbations: PerturbationSummary[];
  top_k_fraction: number;
}

/** ρ, τ-b and top-k overlap of two equally long score vectors. */
export function compare(a: readonly number[], b: readonly number[]): [number, number, number] {
  const k = Math.max(1, Math.round(TOP_K_FRACTION * a.length));
  return [spearman(a, b), kendallTauB(a, b), topKOverlap(a, b, k)];
}

function summarise(rows: [number, number, number][]): RankAgreement {
  return {
    spearman: meanInterval(rows.map((r) => r[0])),
    kendall: meanInterval(rows.map((r) => r[1])),
    top_k: meanInterval(rows.map((r) => r[2])),
  };
}

/**
 * Candidates in order; each is kept if `keep` says its prediction is the original's and its ids
 * differ, until `count` are kept. At most `count` · TRIES_PER_PERTURBATION candidates are tried.
 */
export const TRIES_PER_PERTURBATION = 3;

export async function keptPerturbations(
  candidates: Perturbation[],
  encode: (text: string) => { ids: number[]; tokens: Token[] },
  originalIds: readonly number[],
  keep: (p: PerturbedInput) => Promise<boolean>,
  count: number,
): Promise<PerturbedInput[]> {
  const out: PerturbedInput[] = [];
  for (const perturbation of candidates.slice(0, count * TRIES_PER_PERTURBATION)) {
    if (out.length >= count) break;
    const e = encode(perturbation.text);
    if (e.ids.length === originalIds.length && e.ids.every((id, i) => id === originalIds[i])) continue;
    const p = { perturbation, ids: e.ids, tokens: e.tokens };
    if (await keep(p)) out.push(p);
  }
  return out;
}

/** A per-token map's stability: `mapOf` recomputes the map on a perturbed input. */
export async function mapStability(
  tokens: Token[],
  scores: readonly number[],
  inputs: PerturbedInput[],
  mapOf: (p: PerturbedInput) => Promise<readonly number[]>,
  requested: number,
): Promise<MapStability> {
  const rows: [number, number, number][] = [];
  const perturbations: PerturbationSummary[] = [];
  for (const p of inputs) {
    const pairs = alignTokens(tokens, p.tokens, p.perturbation);
    const other = await mapOf(p);
    rows.push(
      compare(
        pairs.map(([i]) => scores[i]),
        pairs.map(([, j]) => other[j]),
      ),
    );
    perturbations.push({ kind: p.perturbation.kind, text: p.perturbation.text, shared: pairs.length });
  }
  return { ...summarise(rows), requested, perturbations, top_k_fraction: TOP_K_FRACTION };
}

/** One attention matrix per head, [heads][rows · cols] over square self-attention. */
export interface HeadMatrices {
  stack: 'encoder' | 'decoder';
  layer: number;
  heads: number;
  n: number;
  /** [heads · n · n] */
  data: ArrayLike<number>;
}

export interface AttentionAgreement extends RankAgreement {
  /** mean over the K of the mean Jensen–Shannon distance of the shared rows */
  js_distance: Interval;
}

export interface HeadStability extends AttentionAgreement {
  stack: 'encoder' | 'decoder';
  layer: number;
  head: number;
}

export interface AttentionStability {
  requested: number;
  perturbations: PerturbationSummary[];
  top_k_fraction: number;
  heads: HeadStability[];
  /** rollout after the last layer of the input's stack */
  rollout?: AttentionAgreement;
}

/** ρ, τ, top-k over the [shared × shared] weights of two matrices, and the shared rows' mean JS distance. */
export function compareMatrices(
  a: (i: number, j: number) => number,
  b: (i: number, j: number) => number,
  pairs: [number, number][],
): [number, number, number, number] {
  const va: number[] = [];
  const vb: number[] = [];
  let js = 0;
  for (const [i, pi] of pairs) {
    const ra = pairs.map(([j]) => a(i, j));
    const rb = pairs.map(([, pj]) => b(pi, pj));
    va.push(...ra);
    vb.push(...rb);
    js += jsDistance(ra, rb);
  }
  return [...compare(va, vb), js / Math.max(1, pairs.length)];
}

function summariseAttention(rows: [number, number, number, number][]): AttentionAgreement {
  return {
    ...summarise(rows.map((r) => [r[0], r[1], r[2]])),
    js_distance: meanInterval(rows.map((r) => r[3])),
  };
}

const at = (m: HeadMatrices, h: number) => (i: number, j: number) =>
  m.data[(h * m.n + i) * m.n + j] as number;

/** Every head's and rollout's stability; `attentionOf` gives a perturbed input's matrices, layers in order. */
export async function attentionStability(
  tokens: Token[],
  original: HeadMatrices[],
  originalRollout: ((i: number, j: number) => number) | undefined,
  inputs: PerturbedInput[],
  attentionOf: (
    p: PerturbedInput,
  ) => Promise<{ heads: HeadMatrices[]; rollout?: (i: number, j: number) => number }>,
  requested: number,
): Promise<AttentionStability> {
  const perHead = original.map(() => [] as [number, number, number, number][][]);
  original.forEach((m, l) => {
    perHead[l] = Array.from({ length: m.heads }, () => []);
  });
  const rollout: [number, number, number, number][] = [];
  const perturbations: PerturbationSummary[] = [];
  for (const p of inputs) {
    const pairs = alignTokens(tokens, p.tokens, p.perturbation);
    const other = await attentionOf(p);
    original.forEach((m, l) => {
      for (let h = 0; h < m.heads; h++)
        perHead[l][h].push(compareMatrices(at(m, h), at(other.heads[l], h), pairs));
    });
    if (originalRollout && other.rollout)
      rollout.push(compareMatrices(originalRollout, other.rollout, pairs));
    perturbations.push({ kind: p.perturbation.kind, text: p.perturbation.text, shared: pairs.length });
  }
  return {
    requested,
    perturbations,
    top_k_fraction: TOP_K_FRACTION,
    heads: original.flatMap((m, l) =>
      perHead[l].map((rows, head) => ({ stack: m.stack, layer: m.layer, head, ...summariseAttention(rows) })),
    ),
    ...(originalRollout && rollout.length ? { rollout: summariseAttention(rollout) } : {}),
  };
}
