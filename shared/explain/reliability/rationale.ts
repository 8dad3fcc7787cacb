/**
 * Agreement with a known rationale. brown-sentiment's labels are a known function of lexicon words
 * (positive if it has more positive than negative lexicon words, …), so the true rationale of a
 * prediction is known: the lexicon words on the side of the explained label (all lexicon words for
 * "neutral"). We score an attribution by R-precision: of the |R| words it ranks highest, the share
 * that are rationale words, beside what a random ranking would get (|R| / words).
 */
import type { Token } from '../../schema/document.js';

export interface RationaleAgreement {
  /** the rationale words found in the text, in order */
  rationale: string[];
  words: number;
  /** share of the top-|R| words (by attribution) that are rationale words */
  precision: number;
  /** the expected precision of a random ranking */
  random_precision: number;
}

const WORD = /\p{L}+(?:['’]\p{L}+)?/gu;

export function rationaleAgreement(
  text: string,
  tokens: Token[],
  scores: number[],
  lexicon: Record<string, number>,
  label: string,
  signed: boolean,
): RationaleAgreement | undefined {
  const words = [...text.matchAll(WORD)].map((m) => ({
    text: m[0].toLowerCase(),
    start: m.index!,
    end: m.index! + m[0].length,
  }));
  if (words.length === 0) return undefined;
  const side = (v: number) => (label === 'positive' ? v > 0 : label === 'negative' ? v < 0 : v !== 0);
  const inRationale = words.map((w) => w.text in lexicon && side(lexicon[w.text]));
  const r = inRationale.filter(Boolean).length;
  if (r === 0) return undefined;
  // A word's score is the sum of its tokens' (a token belongs to the word its first character is in).
  const wordScore = new Array<number>(words.length).fill(0);
  tokens.forEach((t, i) => {
    if (t.special) return;
    const w = words.findIndex((x) => t.start >= x.start && t.start < x.end);
    if (w >= 0) wordScore[w] += scores[i];
  });
  const order = words
    .map((_, i) => i)
    .sort((a, b) => (signed ? wordScore[b] - wordScore[a] : Math.abs(wordScore[b]) - Math.abs(wordScore[a])));
  const hits = order.slice(0, r).filter((i) => inRationale[i]).length;
  return {
    rationale: words.filter((_, i) => inRationale[i]).map((w) => w.text),
    words: words.length,
    precision: hits / r,
    random_precision: r / words.length,
  };
}
