/**
 * Meaning-preserving edits of a text, for the stability metric: drop a function word, swap one for
 * another of its kind, change a word's case, change the final punctuation, or replace a word by its
 * nearest neighbour in the model's own embedding table (cosine). Each is one edit of the text, so
 * the tokens outside it keep their characters and can be matched with the original's by offset.
 * Seeded: the same text and seed give the same edits in the same order.
 */
import type { EmbeddingMatrix } from '../../onnx/inputs-embeds.js';
import type { TextTokenizer } from '../../runtime/tokenizer.js';
import type { Token } from '../../schema/document.js';
import { Rng } from '../../util/random.js';

export type PerturbationKind = 'drop' | 'swap' | 'case' | 'punctuation' | 'neighbour';

export interface Perturbation {
  kind: PerturbationKind;
  /** the perturbed text */
  text: string;
  /** the edit: characters [start, end) of the original replaced by `insert` */
  start: number;
  end: number;
  insert: string;
}

/** Words whose removal or exchange leaves a sentence's sentiment and topic as they were. */
const DROPPABLE = new Set([
  'the',
  'a',
  'an',
  'very',
  'really',
  'just',
  'quite',
  'so',
  'that',
  'then',
  'also',
]);
const SWAPS: Record<string, string> = {
  the: 'a',
  a: 'the',
  an: 'the',
  this: 'that',
  that: 'this',
  these: 'those',
  those: 'these',
  very: 'really',
  really: 'very',
};
const WORD = /\p{L}+/gu;

interface Word {
  text: string;
  start: number;
  end: number;
}

const words = (text: string): Word[] =>
  [...text.matchAll(WORD)].map((m) => ({ text: m[0], start: m.index!, end: m.index! + m[0].length }));

function edit(
  text: string,
  kind: PerturbationKind,
  start: number,
  end: number,
  insert: string,
): Perturbation {
  return { kind, text: text.slice(0, start) + insert + text.slice(end), start, end, insert };
}

/** Keeps the recased word's shape: "The" → "the", "the" → "The". */
const recase = (w: string) =>
  w[0] === w[0].toUpperCase() ? w[0].toLowerCase() + w.slice(1) : w[0].toUpperCase() + w.slice(1);

/** Nearest other whole-word token to `id` by cosine over the embedding table; undefined if none. */
export function nearestWord(
  matrix: EmbeddingMatrix,
  tokenizer: TextTokenizer,
  id: number,
  exclude: ReadonlySet<number>,
): string | undefined {
  const { data, vocab, hidden } = matrix;
  const norm = (i: number) => {
    let s = 0;
    for (let j = 0; j < hidden; j++) s += data[i * hidden + j] ** 2;
    return Math.sqrt(s);
  };
  const n0 = norm(id);
  const scored: [number, number][] = [];
  for (let i = 0; i < vocab; i++) {
    if (i === id || exclude.has(i)) continue;
    let dot = 0;
    for (let j = 0; j < hidden; j++) dot += data[i * hidden + j] * data[id * hidden + j];
    scored.push([dot / (n0 * norm(i) || 1), i]);
  }
  scored.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  // The first neighbours that decode to a plain word (not a sub-word piece or punctuation).
  for (const [, i] of scored.slice(0, 50)) {
    const w = tokenizer.decode([i]).trim();
    if (/^\p{L}+$/u.test(w) && tokenizer.encode(w, false).ids.length === 1) return w;
  }
  return undefined;
}

/**
 * Up to `count` distinct candidate edits, in a seeded order. Candidates are cheap to make; the caller
 * keeps those that change the tokens and keep the model's prediction.
 */
export function perturbations(
  text: string,
  tokenizer: TextTokenizer,
  matrix: EmbeddingMatrix,
  special: ReadonlySet<number>,
  count: number,
  seed: number,
): Perturbation[] {
  const ws = words(text);
  const all: (() => Perturbation | undefined)[] = [];
  for (const w of ws) {
    const lower = w.text.toLowerCase();
    if (DROPPABLE.has(lower) && ws.length > 2) {
      // the word and the space after it (or before it, at the end)
      const after = text[w.end] === ' ' ? 1 : 0;
      const before = !after && text[w.start - 1] === ' ' ? 1 : 0;
      all.push(() => edit(text, 'drop', w.start - before, w.end + after, ''));
    }
    if (lower in SWAPS) {
      const s = SWAPS[lower];
      const swap = w.text[0] === w.text[0].toUpperCase() ? s[0].toUpperCase() + s.slice(1) : s;
      all.push(() => edit(text, 'swap', w.start, w.end, swap));
    }
    all.push(() => edit(text, 'case', w.start, w.end, recase(w.text)));
    all.push(() => {
      const ids = tokenizer.encode(w.text, false).ids;
      if (ids.length !== 1 || DROPPABLE.has(lower) || lower in SWAPS) return undefined;
      const n = nearestWord(matrix, tokenizer, ids[0], special);
      return n ? edit(text, 'neighbour', w.start, w.end, n) : undefined;
    });
  }
  const trimmed = text.trimEnd();
  const last = trimmed.length - 1;
  if (/[.!?]/.test(trimmed[last] ?? '')) {
    all.push(() => edit(text, 'punctuation', last, last + 1, ''));
    all.push(() => edit(text, 'punctuation', last, last + 1, trimmed[last] === '.' ? '!' : '.'));
  } else all.push(() => edit(text, 'punctuation', trimmed.length, trimmed.length, '.'));
  // Seeded Fisher–Yates, then the first `count` that exist and differ from the text.
  const rng = new Rng(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const out: Perturbation[] = [];
  const seen = new Set<string>([text]);
  for (const make of all) {
    if (out.length >= count) break;
    const p = make();
    if (!p || seen.has(p.text) || p.text.trim().length === 0) continue;
    seen.add(p.text);
    out.push(p);
  }
  return out;
}

/**
 * Pairs [original token, perturbed token] of the tokens the edit left alone: same characters at the
 * same (shifted) offsets. Special tokens pair by order among specials, so [CLS] with [CLS].
 */
export function alignTokens(original: Token[], perturbed: Token[], p: Perturbation): [number, number][] {
  const shift = p.insert.length - (p.end - p.start);
  const key = (t: Token) => `${t.start}:${t.end}:${t.text.toLowerCase()}`;
  const byKey = new Map<string, number>();
  original.forEach((t, i) => {
    if (!t.special && (t.end <= p.start || t.start >= p.end)) byKey.set(key(t), i);
  });
  const pairs: [number, number][] = [];
  const specialsA = original.map((t, i) => (t.special ? i : -1)).filter((i) => i >= 0);
  const specialsB = perturbed.map((t, i) => (t.special ? i : -1)).filter((i) => i >= 0);
  if (specialsA.length === specialsB.length)
    for (const [k, i] of specialsA.entries()) pairs.push([i, specialsB[k]]);
  perturbed.forEach((t, j) => {
    if (t.special) return;
    const before = t.end <= p.start;
    const after = t.start >= p.start + p.insert.length;
    if (!before && !after) return;
    const back = after ? shift : 0;
    const i = byKey.get(key({ ...t, start: t.start - back, end: t.end - back }));
    if (i !== undefined) pairs.push([i, j]);
  });
  return pairs.sort((a, b) => a[0] - b[0]);
}
