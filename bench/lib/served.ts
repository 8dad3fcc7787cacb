/**
 * The served models as the worker sees them, read from dist/site in Node: their shapes, and texts of
 * an exact token count (so that a request's size is what the bench says it is).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTokenizer, type ModelMeta, readModelMeta } from '../../shared/runtime/model.js';
import type { TextTokenizer } from '../../shared/runtime/tokenizer.js';

const SITE = join(import.meta.dirname, '../../dist/site');

export interface Served {
  meta: ModelMeta;
  tokenizer: TextTokenizer;
}

export async function served(id: string): Promise<Served> {
  const read = async (p: string) => new Uint8Array(await readFile(join(SITE, 'models', id, p)));
  const meta = await readModelMeta(id, read);
  return { meta, tokenizer: await loadTokenizer(meta, read) };
}

const WORDS =
  'the jury said it did find that many of the old laws were never enforced and that the city council should act soon on a new plan for schools roads and water'.split(
    ' ',
  );

/** A text of exactly `tokens` tokens (special tokens included), its words starting at `offset` in a fixed list. */
export function textOfTokens(tok: TextTokenizer, tokens: number, offset = 0): string {
  let words: string[] = [];
  for (let i = 0; ; i++) {
    const next = [...words, WORDS[(offset + i) % WORDS.length]];
    const n = tok.encode(next.join(' ')).ids.length;
    if (n > tokens) break;
    words = next;
    if (n === tokens) break;
  }
  return words.join(' ');
}

export async function probeData(): Promise<unknown> {
  return JSON.parse(await readFile(join(SITE, 'probe-data/brown-pos.json'), 'utf8'));
}
