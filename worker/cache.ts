/**
 * Response caching for the analysis routes: a document is a pure function of the request body and
 * the deployment's models, so the Workers Cache API can serve a repeat without any model work.
 * The key is the route, `CACHE_VERSION`, the served models and precision, plus a SHA-256 of the
 * validated request; `x-cache` says hit or miss. A hit is the stored response itself, so it carries
 * the miss's `content-type` and `cache-control`.
 */
import type { Context } from 'hono';
import type { AppEnv, Env } from './env.js';

const CACHE_CONTROL = 'public, max-age=86400';

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** What a document depends on besides the request: bumping any of these must not serve stale ones. */
function deployment(env: Env): string {
  return JSON.stringify([env.CACHE_VERSION ?? '', env.MODELS ?? '', env.PRECISION ?? '']);
}

async function keyFor(route: string, req: unknown, env: Env): Promise<Request> {
  const [version, request] = await Promise.all([sha256(deployment(env)), sha256(JSON.stringify(req))]);
  return new Request(`https://cache.attn-heatmap.invalid/${version}/${route}/${request}`);
}

export async function cachedJson(
  c: Context<AppEnv>,
  route: string,
  req: unknown,
  compute: () => Promise<unknown>,
): Promise<Response> {
  const cache = (globalThis as { caches?: { default?: Cache } }).caches?.default;
  const key = await keyFor(route, req, c.env);
  const hit = await cache?.match(key);
  if (hit) {
    const res = new Response(hit.body, hit);
    res.headers.set('x-cache', 'hit');
    return res;
  }
  const res = c.json(await compute());
  res.headers.set('cache-control', CACHE_CONTROL);
  if (cache) c.executionCtx.waitUntil(cache.put(key, res.clone()));
  res.headers.set('x-cache', 'miss');
  return res;
}
