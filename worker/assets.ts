/**
 * Static files the worker serves itself (wrangler.toml `run_worker_first` names these paths), so that
 * they carry what the assets binding alone cannot:
 *
 * - the widget (its ES module, lazy chunks and IIFE), the in-browser runner with ORT's wasm, the model
 *   folders and the probe data get CORS headers from the app's one `cors()` middleware (app.ts), which
 *   follows `CORS_ORIGINS`: a page on another origin loads `<script type="module" src=…>` and every
 *   `fetch()` of a model file in CORS mode, and a `_headers` file could not read that setting;
 * - the demo page gets its security headers (PAGE_HEADERS).
 *
 * The response is the assets binding's own (status, ETag, Cache-Control, conditional 304s intact),
 * copied only to make its headers writable; a missing file is the API's JSON 404.
 */
import type { Context, Hono } from 'hono';
import type { AppEnv } from './env.js';
import { errorResponse } from './errors.js';

/** Served with CORS: keep in step with wrangler.toml `run_worker_first`. */
export const CORS_ASSET_PATHS = ['/widget/*', '/models/*', '/probe-data/*'] as const;
/** The demo page (dist/site/index.html): keep in step with wrangler.toml `run_worker_first`. */
export const PAGE_PATHS = ['/', '/index.html'] as const;

/**
 * The demo page's policy. It runs no inline script or style (site/demo/ holds them) and no eval; it
 * asks only its own origin's API, and the widget draws with its constructable stylesheet and CSSOM
 * styles, which `style-src` does not govern. 'wasm-unsafe-eval' (compiling WebAssembly, not eval) is
 * there because the page may run ORT itself (`run="browser"`); a host page without it needs none.
 */
export const DEMO_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

const PAGE_HEADERS: Record<string, string> = {
  ...COMMON_HEADERS,
  'Content-Security-Policy': DEMO_PAGE_CSP,
};

async function fromAssets(c: Context<AppEnv>, extra: Record<string, string>): Promise<Response> {
  const res = await c.env.ASSETS.fetch(c.req.raw);
  // a missing file answers like every other miss of this server: JSON with a code
  if (res.status === 404) return errorResponse(c, 'not_found', 'no such file');
  const out = new Response(res.body, res);
  for (const [k, v] of Object.entries(extra)) out.headers.set(k, v);
  return out;
}

/** Mounts the asset routes; call after the CORS middleware so that it wraps them. */
export function mountAssets(app: Hono<AppEnv>): void {
  for (const p of CORS_ASSET_PATHS) app.on(['GET', 'HEAD'], p, (c) => fromAssets(c, COMMON_HEADERS));
  for (const p of PAGE_PATHS) app.on(['GET', 'HEAD'], p, (c) => fromAssets(c, PAGE_HEADERS));
}
