/**
 * Response caching for the analysis routes: a document is a pure function of the request body and
 * the deployment's models, so the Workers Cache API can serve a repeat without any model work.
 * The key is the route plus a SHA-256 of the validated request; `x-cache` says hit or miss.
 */
import type { Context } from 'hono';
import type { AppEnv } from './env.js';

async function keyFor(route: string, req: unknown, version: string): Promise<Request> {
  const bytes = new TextEncoder().encode(JSON.stringify(req));
  const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
  return new Request(`https://cache.attn-heatmap.invalid/${version}/${route}/${hash}`);
}

export async function cachedJson(
  c: Context<AppEnv>,
  route: string,
  req: unknown,
  compute: () => Promise<unknown>,
): Promise<Response> {
  const cache = (globalThis as { caches?: { default?: Cache } }).caches?.default;
  // Models or precision changing must not serve stale documents.
  const key = await keyFor(
    route,
    req,
    `${c.env.MODELS ?? ''}|${c.env.PRECISION ?? ''}`.replace(/[^\w,-]/g, '_'),
  );
  const hit = await cache?.match(key);
  if (hit)
    return new Response(hit.body, {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-cache': 'hit' },
    });
  const res = c.json(await compute());
  res.headers.set('x-cache', 'miss');
  res.headers.set('cache-control', 'public, max-age=86400');
  if (cache) c.executionCtx.waitUntil(cache.put(key, res.clone()));
  return res;
}
