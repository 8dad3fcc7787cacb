import { describe, expect, it } from 'vitest';
import { alignedSpans, BYTE_TO_UNICODE, byteLevelSpans } from './offsets.js';

const cut = (text: string, spans: { start: number; end: number }[]) =>
  spans.map((s) => text.slice(s.start, s.end));

describe('alignedSpans', () => {
  it('maps WordPiece pieces, accents and case back to the original text', () => {
    const text = 'Café  déjà-vu!';
    const spans = alignedSpans(text, [null, 'cafe', 'de', 'ja', '-', 'vu', '!', null]);
    expect(cut(text, spans)).toEqual(['', 'Café', 'dé', 'jà', '-', 'vu', '!', '']);
  });

  it('gives an unknown token the gap between its neighbours', () => {
    const text = 'a 😀 b';
    expect(cut(text, alignedSpans(text, ['a', '', 'b']))).toEqual(['a', '😀', 'b']);
  });

  it('handles combining characters and right-to-left text', () => {
    const text = 'e\u0301t\u00e9 שלום';
    expect(cut(text, alignedSpans(text, ['ete', 'שלום']))).toEqual(['e\u0301t\u00e9', 'שלום']);
  });
});

describe('byteLevelSpans', () => {
  it('is exact for byte-level BPE tokens, including characters split across tokens', () => {
    // "hi 😀": 'hi', 'Ġ' (the space), then the four bytes of U+1F600 split over two tokens.
    const text = 'hi 😀';
    const sym = [...new TextEncoder().encode('😀')].map((b) => BYTE_TO_UNICODE[b]);
    const spans = byteLevelSpans(text, ['hi', BYTE_TO_UNICODE[32], sym[0] + sym[1], sym[2] + sym[3]]);
    expect(cut(text, spans)).toEqual(['hi', ' ', '😀', '']);
    expect(byteLevelSpans(text, [null, 'hi'])[0]).toEqual({ start: 0, end: 0 });
  });
});
