/**
 * What the widget should draw, computed here independently of widget/lib (Buffer for base64, plain
 * arrays), so a decoding bug in the widget cannot hide behind the same bug in the check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './paths.js';

export interface Entry {
  kind: 'self' | 'cross';
  stack: 'encoder' | 'decoder';
  layer: number;
  heads: number;
  head_ids?: number[];
  rows: number;
  cols: number;
  encoding: 'u8' | 'f32';
  data: string | number[][][];
}

export interface Doc {
  model: { id: string; family: string };
  input: { tokens: { text: string }[] };
  output?: { tokens?: { text: string }[] };
  attention?: Entry[];
}

export type Group = 'encoder-self' | 'decoder-self' | 'cross';

export function fixture(name: string): Doc {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

const groupOf = (e: Entry): Group => (e.kind === 'cross' ? 'cross' : `${e.stack}-self`);

export function entryOf(doc: Doc, group: Group, layer: number): Entry {
  const e = doc.attention?.find((x) => groupOf(x) === group && x.layer === layer);
  if (!e) throw new Error(`no ${group} layer ${layer} in ${doc.model.id}`);
  return e;
}

/** rows×cols weights for one model head id, or the mean over the entry's heads. */
export function expectedMatrix(doc: Doc, group: Group, layer: number, head: number | 'mean'): number[][] {
  const e = entryOf(doc, group, layer);
  const bytes = typeof e.data === 'string' ? Buffer.from(e.data, 'base64') : null;
  const at = (h: number, r: number, c: number) =>
    bytes ? bytes[(h * e.rows + r) * e.cols + c] / 255 : (e.data as number[][][])[h][r][c];
  const ids = e.head_ids ?? [...Array(e.heads).keys()];
  const heads = head === 'mean' ? [...Array(e.heads).keys()] : [ids.indexOf(head)];
  if (heads[0] < 0) throw new Error(`head ${head} not in entry`);
  return Array.from({ length: e.rows }, (_, r) =>
    Array.from({ length: e.cols }, (_, c) => heads.reduce((s, h) => s + at(h, r, c), 0) / heads.length),
  );
}

/** Row and column token texts as the widget shows them (leading Ġ/▁ as a middle dot). */
export function expectedLabels(doc: Doc, group: Group): { rows: string[]; cols: string[] } {
  const show = (t: { text: string }) => t.text.replace(/^[Ġ▁]/, '·') || '∅';
  const input = doc.input.tokens.map(show);
  const output = (doc.output?.tokens ?? []).map(show);
  const decoderSide =
    group === 'cross' || (group === 'decoder-self' && doc.model.family === 'encoder-decoder');
  const rows = decoderSide ? output : input;
  // Encoder-decoder row i predicts output[i]; its decoder self-attention keys are what was fed.
  const cols = group === 'cross' ? input : decoderSide ? ['⟨start⟩', ...output.slice(0, -1)] : rows;
  return { rows, cols };
}

/** Largest absolute difference; the widget prints weights with 3 decimals. */
export function maxDiff(a: number[][], b: number[][]): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let d = 0;
  a.forEach((row, r) => {
    if (row.length !== b[r].length) d = Number.POSITIVE_INFINITY;
    row.forEach((v, c) => {
      d = Math.max(d, Math.abs(v - b[r][c]));
    });
  });
  return d;
}
