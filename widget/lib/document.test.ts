/**
 * The widget's light document check and view resolution, against the fixture documents and the
 * shared zod schema: everything zod accepts passes here, and the errors read well.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExplanationDocument } from '../../shared/schema/document.js';
import { WidgetError } from './errors.js';
import { groupsIn, resolveView } from './groups.js';
import { displayToken, labelsFor } from './tokens.js';
import type { ExplanationDocument as Doc } from './types.js';
import { checkDocument } from './validate.js';

const dir = join(import.meta.dirname, '../../test/fixtures/documents');
const load = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const docs = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'error.json');

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof WidgetError ? `${e.code}: ${e.message}` : `not a WidgetError: ${e}`;
  }
  return 'no error';
};

describe('checkDocument', () => {
  it.each(docs)('accepts %s, which the zod schema accepts too', (name) => {
    const doc = load(name);
    expect(() => ExplanationDocument.parse(doc)).not.toThrow();
    expect(checkDocument(doc)).toBe(doc);
  });

  it('turns an API error body into a WidgetError with its code', () => {
    expect(codeOf(() => checkDocument(load('error.json')))).toBe(
      'text_too_long: Text is longer than the 512 characters this model takes.',
    );
  });

  it('rejects what would break the views, naming the field', () => {
    const good = load('encoder-u8.json');
    const entry = good.attention[0];
    const cases: [unknown, RegExp][] = [
      [null, /not a JSON object/],
      [{ ...good, schema: 'attn-heatmap/explanation@2' }, /unsupported schema/],
      [{ ...good, model: { id: 'x', family: 'rnn' } }, /model needs an id and a family/],
      [{ ...good, input: { text: '' } }, /input\.tokens must be an array/],
      [{ ...good, attention: [{ ...entry, kind: 'sideways' }] }, /attention\[0\]\.kind/],
      [{ ...good, attention: [{ ...entry, rows: 0 }] }, /positive/],
      [{ ...good, attention: [{ ...entry, cols: 4 }] }, /attention\[0\]\.data must hold 144 bytes/],
      [{ ...good, attention: [{ ...entry, head_ids: [0] }] }, /head_ids must list 4 heads/],
      [{ ...good, attention: [{ ...entry, encoding: 'f16' }] }, /encoding must be u8 or f32/],
    ];
    for (const [doc, why] of cases) {
      const got = codeOf(() => checkDocument(doc));
      expect(got).toMatch(/^invalid_document: Not an explanation document: /);
      expect(got).toMatch(why);
    }
  });
});

describe('views of a document', () => {
  const encdec = load('encdec-u8.json') as Doc;

  it('lists groups in a fixed order and opens an encoder-decoder on cross-attention', () => {
    expect(groupsIn(encdec)).toEqual(['encoder-self', 'decoder-self', 'cross']);
    expect(resolveView(encdec, { group: null, layer: null, head: null })).toMatchObject({
      group: 'cross',
      layer: 0,
      head: 'mean',
    });
  });

  it('snaps a missing layer to the nearest, an unknown head to the mean; head ids map to data positions', () => {
    const f32 = load('encoder-f32.json') as Doc;
    expect(resolveView(f32, { group: 'cross', layer: '7', head: '3' })).toMatchObject({
      group: 'encoder-self',
      layer: 1,
      head: 3,
      headIndex: 1,
      heads: [1, 3],
    });
    expect(resolveView(f32, { group: null, layer: 'x', head: '2' })).toMatchObject({
      layer: 0,
      head: 'mean',
    });
    expect(resolveView({ ...f32, attention: [] }, { group: null, layer: null, head: null })).toBeNull();
  });

  it('labels rows with the query side and columns with the key side', () => {
    const entry = (g: string) =>
      encdec.attention!.find((e) => `${e.kind === 'cross' ? 'cross' : e.stack}` === g)!;
    const out = encdec.output!.tokens!.map((t) => displayToken(t.text));
    const inp = encdec.input.tokens.map((t) => displayToken(t.text));
    expect(labelsFor(encdec, entry('cross'))).toMatchObject({ rows: out, cols: inp });
    // Row i is the step that predicts output[i]; its keys are what the decoder was fed.
    const dec = labelsFor(encdec, entry('decoder'));
    expect(dec).toMatchObject({ rows: out, cols: ['⟨start⟩', ...out.slice(0, -1)] });
    expect(dec.rows[0]).toBe('·le');
    expect(dec.colSpecial[0]).toBe(true);
    expect(labelsFor(encdec, entry('encoder'))).toMatchObject({ rows: inp, cols: inp });
    // A decoder-only model's decoder stack reads the input tokens.
    const gpt = load('decoder-f32.json') as Doc;
    expect(labelsFor(gpt, gpt.attention![0]).rows[1]).toBe('·upon');
    // Fewer tokens than positions: numbered labels instead of a crash.
    expect(labelsFor({ ...gpt, input: { text: '', tokens: [] } }, gpt.attention![0]).rows[0]).toBe('#0');
  });

  it('shows word-boundary markers as a middle dot and empty tokens as a symbol', () => {
    expect(displayToken('Ġthe')).toBe('·the');
    expect(displayToken('▁chat')).toBe('·chat');
    expect(displayToken('##ing')).toBe('##ing');
    expect(displayToken('')).toBe('∅');
  });
});
