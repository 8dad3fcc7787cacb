/**
 * Word-level features from sub-word hidden states. Words are whitespace-separated (Brown tokens, or
 * the caller's text split on whitespace); the tokenizer's character offsets say which sub-word
 * tokens make up each word, and a word's vector is its first sub-word's state (`first`, the usual
 * choice since BERT's NER/POS fine-tuning) or the mean of its sub-words' states (`mean`).
 * Special tokens ([CLS], [SEP], <|endoftext|>) belong to no word.
 */
import type { Token } from '../../schema/document.js';

export type Pooling = 'first' | 'mean';

export interface Span {
  start: number;
  end: number;
}

/** How Brown writes quotes, and what a model trained on running text saw instead. */
const SURFACE: Record<string, string> = { '``': '"', "''": '"' };

/** Text for a list of words: single spaces between them, Brown quotes as `"`; plus each word's span. */
export function textOfWords(words: string[]): { text: string; spans: Span[] } {
  let text = '';
  const spans: Span[] = [];
  for (const w of words) {
    if (text) text += ' ';
    const surface = SURFACE[w] ?? w;
    spans.push({ start: text.length, end: text.length + surface.length });
    text += surface;
  }
  return { text, spans };
}

/** The whitespace-separated words of a text and their spans. */
export function wordsOfText(text: string): { words: string[]; spans: Span[] } {
  const words: string[] = [];
  const spans: Span[] = [];
  for (const m of text.matchAll(/\S+/g)) {
    words.push(m[0]);
    spans.push({ start: m.index!, end: m.index! + m[0].length });
  }
  return { words, spans };
}

/**
 * For each word, the indices of the tokens that overlap it (in order; empty when the tokenizer
 * produced none for it, e.g. past the model's token limit). An empty-span token (an unknown token
 * squeezed to nothing) belongs to the word its position falls in.
 */
export function alignTokens(spans: Span[], tokens: Pick<Token, 'start' | 'end' | 'special'>[]): number[][] {
  // Sentences are short (tens of words and tokens), so the plain double loop is the clearest.
  return spans.map((w) => {
    const mine: number[] = [];
    tokens.forEach((t, i) => {
      if (t.special) return;
      const inside =
        t.end > t.start ? t.start < w.end && t.end > w.start : t.start >= w.start && t.start < w.end;
      if (inside) mine.push(i);
    });
    return mine;
  });
}

/**
 * Writes word `tokens`' pooled state from `hidden` ([seq × dim]) into out[offset … offset+dim).
 * Returns false (and writes nothing) when the word has no token.
 */
export function poolWord(
  hidden: Float32Array,
  dim: number,
  tokens: number[],
  pooling: Pooling,
  out: Float32Array,
  offset: number,
): boolean {
  if (tokens.length === 0) return false;
  if (pooling === 'first' || tokens.length === 1) {
    out.set(hidden.subarray(tokens[0] * dim, tokens[0] * dim + dim), offset);
    return true;
  }
  for (let k = 0; k < dim; k++) {
    let s = 0;
    for (const t of tokens) s += hidden[t * dim + k];
    out[offset + k] = s / tokens.length;
  }
  return true;
}
