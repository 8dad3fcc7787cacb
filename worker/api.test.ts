/**
 * The API inside workerd (wrangler dev, started by test/setup/wrangler.ts): happy paths for each
 * family, and bad input answered with the right 4xx, never a 5xx.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { ExplanationDocument } from '../shared/schema/document.js';

const api = inject('apiUrl');

async function post(path: string, body: unknown, init: RequestInit = {}) {
  const res = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

function decodeU8(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

describe('GET /v1/models', () => {
  it('lists models of all three families with shapes and limits', async () => {
    const res = await fetch(`${api}/v1/models`);
    expect(res.status).toBe(200);
    const { models, limits } = await res.json();
    const families = new Set(models.map((m: { family: string }) => m.family));
    expect([...families].sort()).toEqual(['decoder', 'encoder', 'encoder-decoder']);
    // the trained sentiment model is the default (first) one
    expect(models[0].id).toBe('brown-sentiment');
    for (const m of models) expect(m.max_tokens).toBeGreaterThan(0);
    expect(limits.max_body_bytes).toBeGreaterThan(0);
    expect(limits.max_text_chars).toBeGreaterThan(0);
  });
});

describe('POST /v1/attention, happy paths', () => {
  it('encoder: one self-attention entry per layer, rows summing to 1', async () => {
    const { status, body } = await post('/v1/attention', {
      model: 'tiny-bert',
      text: 'The cat sat on the mat.',
    });
    expect(status).toBe(200);
    const doc = ExplanationDocument.parse(body);
    expect(doc.model.family).toBe('encoder');
    const n = doc.input.tokens.length;
    expect(doc.attention).toHaveLength(doc.model.layers);
    for (const e of doc.attention!) {
      expect([e.kind, e.stack, e.rows, e.cols, e.heads]).toEqual(['self', 'encoder', n, n, doc.model.heads]);
      for (const head of e.data as number[][][])
        for (const row of head) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    expect(doc.output?.label).toBeTypeOf('string');
    expect(doc.input.tokens[0].special).toBe(true);
  });

  it('decoder: causal self-attention, u8 encoding is one byte per weight', async () => {
    const { status, body } = await post('/v1/attention', {
      model: 'tiny-gpt2',
      text: 'Once upon a time',
      encoding: 'u8',
    });
    expect(status).toBe(200);
    const doc = ExplanationDocument.parse(body);
    const e = doc.attention![0];
    expect(e.stack).toBe('decoder');
    const bytes = decodeU8(e.data as string);
    expect(bytes.length).toBe(e.heads * e.rows * e.cols);
    for (let r = 0; r < e.rows; r++)
      for (let c = r + 1; c < e.cols; c++) expect(bytes[r * e.cols + c]).toBe(0);
    const row0 = bytes.slice(0, e.cols);
    expect(row0[0]).toBe(255);
  });

  it('encoder-decoder with target_text: encoder self, decoder self and cross entries', async () => {
    const { status, body } = await post('/v1/attention', {
      model: 'tiny-marian',
      text: 'the red house',
      target_text: 'la casa roja',
    });
    expect(status).toBe(200);
    const doc = ExplanationDocument.parse(body);
    const kinds = new Set(doc.attention!.map((e) => `${e.stack}.${e.kind}`));
    expect([...kinds].sort()).toEqual(['decoder.cross', 'decoder.self', 'encoder.self']);
    const cross = doc.attention!.find((e) => e.kind === 'cross')!;
    expect(cross.rows).toBe(doc.output!.tokens!.length);
    expect(cross.cols).toBe(doc.input.tokens.length);
  });

  it('encoder-decoder with greedy generation', async () => {
    const { status, body } = await post('/v1/attention', {
      model: 'tiny-marian',
      text: 'hello world',
      generate: { max_new_tokens: 4 },
    });
    expect(status).toBe(200);
    const doc = ExplanationDocument.parse(body);
    // one token per decoder row: the generated tokens (1 to max_new_tokens), no start token
    expect(doc.output!.tokens!.length).toBeGreaterThanOrEqual(1);
    expect(doc.output!.tokens!.length).toBeLessThanOrEqual(4);
  });

  it('selects layers and heads, and averages heads on request', async () => {
    const { body } = await post('/v1/attention', {
      model: 'tiny-bert',
      text: 'hello',
      layers: [1],
      heads: [0, 2],
      aggregate: 'mean',
    });
    const doc = ExplanationDocument.parse(body);
    expect(doc.attention!.map((e) => e.layer)).toEqual([1]);
    expect(doc.attention![0].heads).toBe(1);
    expect(doc.attention![0].head_ids).toEqual([0, 2]);
  });

  it.each([
    ['emoji', 'I love 🍕 and 👩‍👩‍👧!'],
    ['right-to-left', 'שלום עולם مرحبا'],
    ['combining characters', 'e\u0301le\u0300ve cafe\u0301'],
  ])('accepts %s', async (_, text) => {
    for (const model of ['tiny-bert', 'tiny-gpt2']) {
      const { status, body } = await post('/v1/attention', { model, text, encoding: 'u8' });
      expect(status, JSON.stringify(body)).toBe(200);
      const doc = ExplanationDocument.parse(body);
      for (const t of doc.input.tokens) expect(t.end).toBeLessThanOrEqual(text.length);
    }
  });

  it('answers CORS preflights from any origin', async () => {
    const res = await fetch(`${api}/v1/attention`, {
      method: 'OPTIONS',
      headers: { origin: 'https://docs.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('POST /v1/attention, bad input', () => {
  const cases: [string, unknown, number, string][] = [
    ['empty text', { model: 'tiny-bert', text: '' }, 400, 'empty_text'],
    ['white-space text', { model: 'tiny-bert', text: '   \n' }, 400, 'empty_text'],
    ['non-JSON body', 'this is not json', 400, 'invalid_json'],
    ['a JSON array', '[1,2]', 400, 'invalid_json'],
    ['text of the wrong type', { model: 'tiny-bert', text: 42 }, 400, 'invalid_request'],
    ['layers of the wrong type', { model: 'tiny-bert', text: 'hi', layers: 'all' }, 400, 'invalid_request'],
    ['an unknown field', { model: 'tiny-bert', text: 'hi', colour: 'red' }, 400, 'unknown_field'],
    ['an unknown model', { model: 'gpt-17', text: 'hi' }, 404, 'unknown_model'],
    ['a layer out of range', { model: 'tiny-bert', text: 'hi', layers: [99] }, 400, 'layer_out_of_range'],
    ['a head out of range', { model: 'tiny-bert', text: 'hi', heads: [4] }, 400, 'head_out_of_range'],
    ['a negative layer', { model: 'tiny-bert', text: 'hi', layers: [-1] }, 400, 'invalid_request'],
    ['text over the character limit', { model: 'tiny-bert', text: 'a'.repeat(4001) }, 400, 'text_too_long'],
    ['text over the token limit', { model: 'tiny-bert', text: 'word '.repeat(700) }, 400, 'too_many_tokens'],
    ['a lone high surrogate', { model: 'tiny-bert', text: 'bad \ud800 text' }, 400, 'invalid_text'],
    ['a lone low surrogate', { model: 'tiny-gpt2', text: '\udc00' }, 400, 'invalid_text'],
    [
      'target_text for an encoder',
      { model: 'tiny-bert', text: 'hi', target_text: 'salut' },
      400,
      'target_not_supported',
    ],
    [
      'an f32 response over the size limit',
      { model: 'brown-gpt', text: 'word '.repeat(400), encoding: 'f32' },
      400,
      'response_too_large',
    ],
    [
      'too many new tokens',
      { model: 'tiny-marian', text: 'hi', generate: { max_new_tokens: 1000 } },
      400,
      'invalid_request',
    ],
  ];
  it.each(cases)('%s', async (_, body, status, code) => {
    const res = await post('/v1/attention', body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toBeTypeOf('string');
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\(.*:\d+:\d+\)/); // no stack trace
  });

  it('a 1 MB body is refused before it is parsed', async () => {
    const res = await post(
      '/v1/attention',
      JSON.stringify({ model: 'tiny-bert', text: 'x'.repeat(1024 * 1024) }),
    );
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
  });

  it('unknown routes and methods are JSON errors', async () => {
    const res = await fetch(`${api}/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
    const get = await fetch(`${api}/v1/attention`);
    expect(get.status).toBe(405);
    expect((await get.json()).error.code).toBe('method_not_allowed');
  });
});

describe('schema and OpenAPI', () => {
  it('serves the document JSON Schema and an OpenAPI 3.1 description', async () => {
    const schema = await (await fetch(`${api}/v1/schema`)).json();
    expect(schema.properties.schema.const).toBe('attn-heatmap/explanation@1');
    const spec = await (await fetch(`${api}/openapi.json`)).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/v1/models', '/v1/attention', '/v1/schema']),
    );
  });
});

describe('POST /v1/attention, analyses', () => {
  it('adds rollout and flow entries per layer, per-head summaries, and keeps rows stochastic', async () => {
    const { status, body } = await post('/v1/attention', {
      model: 'tiny-bert',
      text: 'a small test',
      analyses: ['rollout', 'flow'],
    });
    expect(status).toBe(200);
    const doc = ExplanationDocument.parse(body);
    for (const derived of ['rollout', 'flow'] as const) {
      const entries = doc.attention!.filter((e) => e.derived === derived);
      expect(entries.map((e) => e.layer)).toEqual([0, 1]);
    }
    const rollout = doc.attention!.find((e) => e.derived === 'rollout')!;
    for (const row of (rollout.data as number[][][])[0])
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(doc.head_stats).toHaveLength(doc.model.layers * doc.model.heads);
  });

  it('reads an alignment from cross-attention and scores it against a gold alignment', async () => {
    const { status, body } = await post('/v1/attention', {
      model: 'tiny-marian',
      text: 'the red house',
      target_text: 'la casa roja',
      gold_alignment: [
        [1, 0],
        [2, 2],
      ],
    });
    expect(status).toBe(200);
    const doc = ExplanationDocument.parse(body);
    expect(doc.alignment!.map((a) => a.layer)).toEqual([0, 1, 'mean']);
    for (const a of doc.alignment!) {
      expect(a.aer).toBeGreaterThanOrEqual(0);
      expect(a.aer).toBeLessThanOrEqual(1);
    }
  });

  it('refuses flow past its token limit before model work, naming flow and the limit', async () => {
    const { status, body } = await post('/v1/attention', {
      model: 'tiny-bert',
      text: 'word '.repeat(40),
      analyses: ['rollout', 'flow'],
    });
    expect(status).toBe(400);
    // Its own code, so a caller (the widget) can tell flow alone is over and ask again without it.
    expect(body.error).toEqual({
      code: 'flow_too_large',
      message: 'analyses: flow is limited to 32 tokens (this text has 42)',
    });
  });
});

describe('the trained default models in workerd', () => {
  it('brown-sentiment classifies an obviously positive and an obviously negative sentence', async () => {
    const pos = await post('/v1/attention', {
      model: 'brown-sentiment',
      text: 'It was a happy, beautiful and wonderful day.',
      layers: [0],
    });
    const neg = await post('/v1/attention', {
      model: 'brown-sentiment',
      text: 'The war was a terrible, cruel and bloody disaster.',
      layers: [0],
    });
    expect(pos.status).toBe(200);
    expect([pos.body.output.label, neg.body.output.label]).toEqual(['positive', 'negative']);
    expect(pos.body.attention).toHaveLength(1);
  });

  it('brown-gpt serves attention at 512 tokens and integrated gradients', async () => {
    const text = Array.from({ length: 300 }, (_, i) => ['the', 'man', 'said', 'that'][i % 4]).join(' ');
    const attn = await post('/v1/attention', { model: 'brown-gpt', text, encoding: 'u8', layers: [3] });
    expect(attn.status, JSON.stringify(attn.body).slice(0, 300)).toBe(200);
    const ig = await post('/v1/saliency', {
      model: 'brown-gpt',
      text: 'The committee said that the',
      method: 'integrated_gradients',
      steps: 64,
    });
    expect(ig.status).toBe(200);
    expect(ig.body.saliency[0].checks.completeness_error).toBeLessThan(0.01);
  });
});

describe('the trained encoder-decoder in workerd', () => {
  // A held-out Brown text of ~430 source tokens and its gold translation (models/brown-seq2seq/heldout.jsonl).
  const long = readFileSync('models/brown-seq2seq/heldout.jsonl', 'utf8')
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as { task: string; kind: string; text: string; target: string; input_ids: number[] },
    )
    .find((r) => r.task === 'translate' && r.kind === 'long')!;

  it('brown-seq2seq serves cross-attention for a long translation, rows stochastic', async () => {
    const { status, body } = await post('/v1/attention', {
      model: 'brown-seq2seq',
      text: long.text,
      target_text: long.target,
      layers: [1],
      heads: [0], // f32 at ~430 tokens: one head keeps the response under the 1,000,000-weight limit
      encoding: 'f32',
    });
    expect(status, JSON.stringify(body).slice(0, 300)).toBe(200);
    const doc = ExplanationDocument.parse(body);
    expect(doc.input.tokens).toHaveLength(long.input_ids.length);
    expect(long.input_ids.length).toBeGreaterThan(400);
    const cross = doc.attention!.find((e) => e.kind === 'cross')!;
    expect([cross.layer, cross.cols, cross.rows]).toEqual([
      1,
      long.input_ids.length,
      doc.output!.tokens!.length,
    ]);
    for (const head of cross.data as number[][][])
      for (const row of head) expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-4);
  });
});

describe('response caching', () => {
  it('serves a repeated request from the cache with the same document', async () => {
    const body = { model: 'tiny-bert', text: `cache me ${Date.now()}`, encoding: 'u8' };
    const first = await post('/v1/attention', body);
    const again = await post('/v1/attention', body);
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(again.headers.get('x-cache')).toBe('hit');
    expect(again.body).toEqual(first.body);
  });
});
