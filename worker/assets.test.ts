/**
 * Static files through the worker (worker/assets.ts) inside workerd: the widget, runner, ORT wasm,
 * model files and probe data carry CORS headers that follow CORS_ORIGINS, with the assets binding's
 * caching headers intact; the demo page carries its security headers and runs no inline code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWrangler, type Wrangler } from '../test/setup/start-wrangler.js';

const api = inject('apiUrl');
const chunk = readdirSync('dist/widget').find((f) => /^matrix-canvas-.*\.js$/.test(f));
const ASSETS = [
  '/widget/attn-heatmap.js',
  `/widget/${chunk}`,
  '/widget/attn-heatmap.iife.js',
  '/widget/runner/attn-heatmap-runner.js',
  '/widget/runner/ort-wasm-simd-threaded.wasm',
  '/models/tiny-bert/config.json',
  '/models/tiny-bert/onnx/model_quantized.onnx',
  '/probe-data/brown-pos.json',
];

describe('static assets, CORS_ORIGINS unset (*)', () => {
  it.each(ASSETS)('%s: Access-Control-Allow-Origin *, ETag and Cache-Control kept, 304 too', async (p) => {
    const res = await fetch(`${api}${p}`, { headers: { origin: 'http://page.example' } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toMatch(/public/);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const again = await fetch(`${api}${p}`, {
      headers: { origin: 'http://page.example', 'if-none-match': etag! },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves the same bytes as dist/site', async () => {
    const res = await fetch(`${api}/widget/attn-heatmap.js`);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await res.text()).toBe(readFileSync('dist/site/widget/attn-heatmap.js', 'utf8'));
  });
});

describe('the demo page', () => {
  it('carries nosniff, Referrer-Policy and a CSP without inline script, eval or inline style', async () => {
    const res = await fetch(`${api}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await res.text();
    // Every <script> has a src (or is a data block); no <style>, style= or on…= handler.
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc=/);
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });
});

describe('static assets, CORS_ORIGINS restricted', () => {
  let w: Wrangler;
  beforeAll(async () => {
    w = await startWrangler({
      vars: { DIAGNOSTICS: 'on', CORS_ORIGINS: 'http://docs.example, http://blog.example' },
    });
  });
  afterAll(async () => w?.stop());

  it.each([
    '/widget/attn-heatmap.js',
    '/models/tiny-bert/config.json',
    '/widget/runner/ort-wasm-simd-threaded.wasm',
  ])('%s: echoes a listed Origin with Vary: Origin, and gives an unlisted one no header', async (p) => {
    const ok = await fetch(`${w.url}${p}`, { headers: { origin: 'http://blog.example' } });
    await ok.arrayBuffer();
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://blog.example');
    expect(ok.headers.get('vary')).toMatch(/Origin/i);
    expect(ok.headers.get('etag')).toBeTruthy();
    const no = await fetch(`${w.url}${p}`, { headers: { origin: 'http://evil.example' } });
    await no.arrayBuffer();
    expect(no.status).toBe(200);
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
    expect(no.headers.get('vary')).toMatch(/Origin/i);
  });
});
