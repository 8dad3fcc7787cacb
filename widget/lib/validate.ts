/**
 * A light shape check of what arrives over the wire, enough that the views never index past the
 * data. The full zod schema lives in shared/schema; pulling zod in here would triple the bundle.
 */
import { WidgetError } from './errors.js';
import type { ExplanationDocument } from './types.js';

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => Number.isInteger(x) && (x as number) > 0;
const SCHEMA = /^attn-heatmap\/explanation@1(\.|$)/;

/** Returns the document, or throws a WidgetError (the API's `{ error }` body passes through as one). */
export function checkDocument(x: unknown): ExplanationDocument {
  if (!isObj(x)) fail('the response is not a JSON object');
  if (isObj(x.error)) {
    const { code, message } = x.error;
    throw new WidgetError(
      typeof message === 'string' ? message : 'The server reported an error.',
      typeof code === 'string' ? code : 'error',
    );
  }
  if (typeof x.schema !== 'string' || !SCHEMA.test(x.schema)) {
    fail(`unsupported schema ${JSON.stringify(x.schema)} (expected attn-heatmap/explanation@1)`);
  }
  const m = x.model;
  if (
    !isObj(m) ||
    typeof m.id !== 'string' ||
    !['encoder', 'decoder', 'encoder-decoder'].includes(m.family as string)
  ) {
    fail('model needs an id and a family');
  }
  checkTokens(x.input, 'input');
  if (x.output !== undefined) {
    if (!isObj(x.output)) fail('output must be an object');
    if (x.output.tokens !== undefined) checkTokens(x.output, 'output');
  }
  if (x.attention !== undefined) {
    if (!Array.isArray(x.attention)) fail('attention must be an array');
    x.attention.forEach(checkEntry);
  }
  if (x.saliency !== undefined) {
    if (!Array.isArray(x.saliency)) fail('saliency must be an array');
    x.saliency.forEach((e: unknown, i: number) => {
      if (!isObj(e) || typeof e.method !== 'string') fail(`saliency[${i}] needs a method`);
      if (!Array.isArray(e.scores) || e.scores.some((v) => typeof v !== 'number'))
        fail(`saliency[${i}].scores must be numbers`);
    });
  }
  if (x.alignment !== undefined) {
    if (!Array.isArray(x.alignment)) fail('alignment must be an array');
    x.alignment.forEach((a: unknown, i: number) => {
      if (!isObj(a) || !Array.isArray(a.links)) fail(`alignment[${i}].links must be an array`);
      for (const l of a.links)
        if (!Array.isArray(l) || l.length !== 2 || !l.every((v) => Number.isInteger(v) && v >= 0))
          fail(`alignment[${i}].links must be [output, input] index pairs`);
    });
  }
  if (x.head_stats !== undefined && !Array.isArray(x.head_stats)) fail('head_stats must be an array');
  return x as unknown as ExplanationDocument;
}

function checkTokens(t: unknown, where: string): void {
  if (!isObj(t) || !Array.isArray(t.tokens)) fail(`${where}.tokens must be an array`);
  for (const tok of t.tokens) {
    if (!isObj(tok) || typeof tok.text !== 'string') fail(`${where}.tokens: every token needs a text`);
  }
}

function checkEntry(e: unknown, i: number): void {
  const at = `attention[${i}]`;
  if (!isObj(e)) fail(`${at} must be an object`);
  if (e.kind !== 'self' && e.kind !== 'cross') fail(`${at}.kind must be self or cross`);
  if (e.stack !== 'encoder' && e.stack !== 'decoder') fail(`${at}.stack must be encoder or decoder`);
  if (!Number.isInteger(e.layer) || (e.layer as number) < 0) fail(`${at}.layer must be a layer index`);
  if (!isCount(e.heads) || !isCount(e.rows) || !isCount(e.cols))
    fail(`${at}: heads, rows, cols must be positive`);
  // A combined entry (aggregate, rollout, flow) holds one matrix; its head_ids name the heads combined.
  const combined = e.aggregate !== undefined || e.derived !== undefined;
  if (e.aggregate !== undefined && e.aggregate !== 'mean' && e.aggregate !== 'max')
    fail(`${at}.aggregate must be mean or max`);
  if (e.derived !== undefined && e.derived !== 'rollout' && e.derived !== 'flow')
    fail(`${at}.derived must be rollout or flow`);
  if (
    e.head_ids !== undefined &&
    (!Array.isArray(e.head_ids) || (!combined && e.head_ids.length !== e.heads))
  ) {
    fail(`${at}.head_ids must list ${e.heads} heads`);
  }
  const n = e.heads * e.rows * e.cols;
  if (e.encoding === 'u8') {
    // Base64 length is cheap to check here; the exact byte count is checked when decoded.
    if (typeof e.data !== 'string') fail(`${at}.data must be base64 for u8`);
    const ok = (len: number) => len === Math.ceil(n / 3) * 4 || len === Math.ceil((n * 4) / 3);
    // Stripping whitespace copies the string: only when the plain length does not already fit.
    const len = ok(e.data.length) ? e.data.length : e.data.replace(/\s+/g, '').length;
    if (!ok(len)) fail(`${at}.data must hold ${n} bytes`);
  } else if (e.encoding === 'f32') {
    if (!Array.isArray(e.data) || e.data.length !== e.heads) fail(`${at}.data must be [head][row][col]`);
  } else {
    fail(`${at}.encoding must be u8 or f32`);
  }
}

function fail(why: string): never {
  throw new WidgetError(`Not an explanation document: ${why}.`, 'invalid_document');
}
