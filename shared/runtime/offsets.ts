/**
 * Character offsets of tokens in the text they came from. The tokenizer library returns token
 * strings but no offset mapping, so we recover it: exactly for byte-level BPE (the tokens' bytes
 * are the text's UTF-8 bytes), and by aligning folded surfaces for WordPiece / SentencePiece-style
 * vocabularies (whose normaliser lowercases and strips accents).
 */

export interface Span {
  start: number;
  end: number;
}

/** GPT-2's printable stand-ins for bytes (the `bytes_to_unicode` table of byte-level BPE). */
export const BYTE_TO_UNICODE: string[] = (() => {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const table: string[] = [];
  bs.forEach((b, i) => {
    table[b] = String.fromCharCode(cs[i]);
  });
  return table;
})();
const UNICODE_TO_BYTE = new Map(BYTE_TO_UNICODE.map((ch, b) => [ch, b]));

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * Byte-level BPE: token i covers bytes [b0, b1) of the UTF-8 text. A character split across tokens
 * belongs to the token holding its first byte. `prefixSpace` accounts for `add_prefix_space`.
 */
export function byteLevelSpans(text: string, tokens: (string | null)[], prefixSpace = false): Span[] {
  // utf16At[k] = UTF-16 offset of the character that starts at or after byte k.
  const utf16At: number[] = [];
  let byte = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const len = utf8Length(cp);
    for (let k = 0; k < len; k++) utf16At[byte + k] = k === 0 ? i : i + (cp > 0xffff ? 2 : 1);
    byte += len;
    i += cp > 0xffff ? 2 : 1;
  }
  utf16At[byte] = text.length;
  const at = (b: number) => utf16At[Math.max(0, Math.min(b, byte))];
  let pos = prefixSpace ? -1 : 0;
  return tokens.map((t) => {
    if (t === null) return { start: at(pos), end: at(pos) };
    let n = 0;
    for (const ch of t) n += UNICODE_TO_BYTE.has(ch) ? 1 : utf8Length(ch.codePointAt(0)!);
    const span = { start: at(pos), end: at(pos + n) };
    pos += n;
    return span;
  });
}

/** Lowercase, strip accents and combining marks: the folding BERT-style normalisers apply. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Aligns token surfaces (prefixes such as `##` and `▁` already removed) to the text, in order.
 * A special token is `null` and gets an empty span; an unknown token is `''` and takes the gap up to
 * the next matched token.
 */
export function alignedSpans(text: string, surfaces: (string | null)[]): Span[] {
  // Folded text with a map from each folded UTF-16 unit back to the original offset.
  let folded = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const f = fold(String.fromCodePoint(cp));
    for (let k = 0; k < f.length; k++) origin.push(i);
    folded += f;
    i += w;
  }
  origin.push(text.length);
  const spans: (Span | null)[] = [];
  let cursor = 0;
  for (const s of surfaces) {
    const f = s === null ? '' : fold(s);
    const hit = f ? folded.indexOf(f, cursor) : -1;
    // Accept a match only across whitespace or an unmatched gap owned by a pending unknown token.
    if (
      hit >= 0 &&
      (spans.length === 0 || spans[spans.length - 1] === null || /^\s*$/.test(folded.slice(cursor, hit)))
    ) {
      const end = hit + f.length;
      spans.push({ start: origin[hit], end: end < origin.length ? origin[end] : text.length });
      cursor = end;
    } else {
      spans.push(null);
    }
  }
  // Fill unmatched tokens with the gap between their matched neighbours (trimmed of spaces).
  const out: Span[] = [];
  for (let i = 0; i < spans.length; i++) {
    const sp = spans[i];
    if (sp) {
      out.push(sp);
      continue;
    }
    const prevEnd = out.length ? out[out.length - 1].end : 0;
    let next = text.length;
    for (let j = i + 1; j < spans.length; j++) {
      const nj = spans[j];
      if (nj) {
        next = nj.start;
        break;
      }
    }
    let a = prevEnd;
    let b = next;
    while (a < b && /\s/.test(text[a])) a++;
    while (b > a && /\s/.test(text[b - 1])) b--;
    out.push(surfaces[i] === null ? { start: a, end: a } : { start: a, end: b });
  }
  return out;
}
