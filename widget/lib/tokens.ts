/** Which tokens label the rows and columns of an entry, and how a token is shown. */
import type { AttentionEntry, ExplanationDocument, Token } from './types.js';

export interface Labels {
  rows: string[];
  cols: string[];
  /** special tokens ([CLS], </s>, …) are drawn muted */
  rowSpecial: boolean[];
  colSpecial: boolean[];
}

/** The decoder's first input, which the document does not list among the tokens it produced. */
export const START_TOKEN: Token = { id: -1, text: '⟨start⟩', special: true } as Token;

/**
 * Rows are the query side, columns the key side. Self-attention uses the stack's own tokens: for an
 * encoder-decoder model, decoder row i is the step that produces output.tokens[i], and its keys are
 * what the decoder was fed (the start token, then output.tokens[0..i-1]); everything else reads
 * input.tokens. Cross-attention: rows output.tokens, columns input.tokens.
 */
export function labelsFor(doc: ExplanationDocument, e: AttentionEntry): Labels {
  const input = doc.input.tokens;
  const output = doc.output?.tokens ?? [];
  const decoderSide = e.kind === 'cross' || (e.stack === 'decoder' && doc.model.family === 'encoder-decoder');
  const rowToks = decoderSide ? output : input;
  const colToks = e.kind === 'cross' ? input : decoderSide ? [START_TOKEN, ...output] : rowToks;
  return {
    rows: names(rowToks, e.rows),
    cols: names(colToks, e.cols),
    rowSpecial: specials(rowToks, e.rows),
    colSpecial: specials(colToks, e.cols),
  };
}

// A producer that sent fewer tokens than positions still gets a readable matrix: "#5" labels.
function names(toks: Token[], n: number): string[] {
  return Array.from({ length: n }, (_, i) => (toks[i] ? displayToken(toks[i].text) : `#${i}`));
}

function specials(toks: Token[], n: number): boolean[] {
  return Array.from({ length: n }, (_, i) => toks[i]?.special ?? false);
}

/**
 * Tokenizers mark a leading space as "Ġ" (byte-level BPE) or "▁" (SentencePiece); show it as a
 * middle dot so words read naturally and the boundary stays visible. Empty tokens get a symbol.
 */
export function displayToken(text: string): string {
  const t = text.replace(/^[Ġ▁]/, '·');
  return t === '' ? '∅' : t;
}
