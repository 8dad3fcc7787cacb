/**
 * HTTP-level rules inside workerd: JSON bodies only, 405 with Allow, security headers, the limits
 * that hold for every request shape, and cache hits that match their miss.
 */
import { describe, expect, inject, it } from 'vitest';

const api = inject('apiUrl');

async function post(path: string, body: unknown, contentType: string | null = 'application/json') {
  const res = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: contentType ? { 'content-type': contentType } : {},
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const tiny = { model: 'tiny-bert', text: 'hello there', encoding: 'u8' };

describe('content type', () => {
  it.each([
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data'],
    [null],
    ['application/json; charset=latin1'],
  ])('%s is refused with 415 before the body is read', async (type) => {
    const res = await post('/v1/attention', tiny, type);
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it.each([['application/json'], ['application/json; charset=utf-8'], ['Application/JSON;charset=UTF-8']])(
    '%s is accepted',
    async (type) => {
      expect((await post('/v1/attention', tiny, type)).status).toBe(200);
    },
  );
});

describe('methods', () => {
  it.each([
    ['PUT', '/v1/models', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/v1/schema', 'GET, HEAD, OPTIONS'],
    ['POST', '/openapi.json', 'GET, HEAD, OPTIONS'],
    ['GET', '/v1/attention', 'POST, OPTIONS'],
    ['PUT', '/v1/probe', 'POST, OPTIONS'],
  ])('%s %s is a 405 with Allow: %s', async (method, path, allow) => {
    const res = await fetch(`${api}${path}`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect((await res.json()).error.code).toBe('method_not_allowed');
  });
});

describe('security headers', () => {
  it.each([['/v1/models'], ['/openapi.json'], ['/v1/nothing-here']])(
    '%s carries nosniff and a Referrer-Policy',
    async (path) => {
      const res = await fetch(`${api}${path}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    },
  );

  it('an error answer carries them too', async () => {
    const res = await post('/v1/attention', { model: 'tiny-bert', text: '' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('limits for every request shape', () => {
  const cases: [string, unknown, string][] = [
    ['repeated heads (u8)', { ...tiny, heads: Array(256).fill(0) }, 'duplicate_index'],
    ['repeated layers', { ...tiny, layers: [0, 1, 0] }, 'duplicate_index'],
    ['repeated probe layers', { model: 'tiny-bert', layers: [1, 1] }, 'duplicate_index'],
    ['4,002 UTF-16 units of emoji', { ...tiny, text: '🍕'.repeat(2001) }, 'text_too_long'],
    [
      'a gold link past the input tokens',
      { model: 'tiny-marian', text: 'the red house', target_text: 'la casa roja', gold_alignment: [[1, 99]] },
      'alignment_out_of_range',
    ],
    [
      'a gold link past the output rows',
      { model: 'tiny-marian', text: 'the red house', target_text: 'la casa roja', gold_alignment: [[99, 1]] },
      'alignment_out_of_range',
    ],
    [
      // 512 source and 511 target tokens, every layer and head: ~6.3M weights, ~8.4 MB in base64
      'a u8 response over max_response_bytes',
      {
        model: 'brown-seq2seq',
        text: 'the man said that '.repeat(127).trim(),
        target_text: 'the man said that '.repeat(127).trim(),
        encoding: 'u8',
      },
      'response_too_large',
    ],
  ];
  it.each(cases)('%s is a 400', async (_, body, code) => {
    const path = 'task' in (body as object) || !('text' in (body as object)) ? '/v1/probe' : '/v1/attention';
    const res = await post(path, body);
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(400);
    expect(res.body.error.code).toBe(code);
  });

  it('a saliency request priced over max_work is refused before it runs, and its message says how to shrink it', async () => {
    const { limits } = await (await fetch(`${api}/v1/models`)).json();
    expect(limits.max_work).toBeGreaterThan(0);
    const text = 'the man said that '.repeat(62).trim(); // 250 tokens
    const body = { model: 'brown-sentiment', text, method: 'integrated_gradients', steps: 256 };
    const res = await post('/v1/saliency', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('work_too_large');
    expect(res.body.error.message).toMatch(/max_work.*fewer steps/);
    // the same steps on a short text and a small model fit: the price follows tokens and model size
    const small = await post('/v1/saliency', {
      ...body,
      model: 'tiny-bert',
      text: 'the man said that',
      steps: 256,
    });
    expect(small.status).toBe(200);
  });

  it('limits name the response cap, and OpenAPI lists the error codes', async () => {
    const { limits } = await (await fetch(`${api}/v1/models`)).json();
    expect(limits.max_response_bytes).toBeGreaterThan(0);
    const spec = await (await fetch(`${api}/openapi.json`)).json();
    expect(spec['x-error-codes'].unsupported_media_type.status).toBe(415);
    expect(spec.components.schemas.Error.properties.error.properties.code.enum).toContain('duplicate_index');
  });
});

describe('cache hits', () => {
  it('carry the content-type and cache-control of the miss', async () => {
    const body = { ...tiny, text: `cache headers ${Date.now()}` };
    const miss = await post('/v1/attention', body);
    const hit = await post('/v1/attention', body);
    expect([miss.headers.get('x-cache'), hit.headers.get('x-cache')]).toEqual(['miss', 'hit']);
    for (const h of [
      'content-type',
      'cache-control',
      'access-control-allow-origin',
      'x-content-type-options',
    ])
      expect(hit.headers.get(h), h).toBe(miss.headers.get(h));
    expect(hit.headers.get('cache-control')).toMatch(/max-age=\d+/);
  });
});
