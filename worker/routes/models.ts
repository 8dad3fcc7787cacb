/** GET /v1/models: what this deployment serves, and the limits requests are held to. */
import { Hono } from 'hono';
import { maxTokens } from '../../shared/explain/preconditions.js';
import { saliencyMethodsFor } from '../../shared/explain/saliency/support.js';
import type { ModelMeta } from '../../shared/runtime/model.js';
import { LIMITS } from '../../shared/schema/limits.js';
import type { AppEnv } from '../env.js';
import { modelMeta, requestScope, servedModelIds } from '../registry.js';

function entry(meta: ModelMeta) {
  const s = meta.shape;
  return {
    id: meta.id,
    family: s.family,
    layers: s.layers,
    heads: s.heads,
    ...(s.encoderLayers ? { encoder_layers: s.encoderLayers, encoder_heads: s.encoderHeads } : {}),
    ...(s.labels ? { labels: s.labels } : {}),
    max_tokens: maxTokens(meta),
    // what POST /v1/saliency accepts as `method` for this model (the demo's Explain menu reads it)
    saliency_methods: saliencyMethodsFor(s.family),
  };
}

const isUnavailable = (e: unknown) => (e as { code?: unknown })?.code === 'model_unavailable';

export const models = new Hono<AppEnv>().get('/', async (c) => {
  const scope = requestScope(c);
  // One model whose config.json is missing or broken must not take the listing down with it: it is
  // named under `unavailable` (its own routes answer 503 model_unavailable), the others are listed.
  const results = await Promise.allSettled(servedModelIds(c.env).map((id) => modelMeta(c.env, id, scope)));
  const ids = servedModelIds(c.env);
  const list = [];
  const unavailable: string[] = [];
  for (const [i, r] of results.entries()) {
    if (r.status === 'fulfilled') list.push(entry(r.value));
    else if (isUnavailable(r.reason)) unavailable.push(ids[i]);
    else throw r.reason;
  }
  c.header('Cache-Control', 'public, max-age=60');
  return c.json({ models: list, ...(unavailable.length ? { unavailable } : {}), limits: LIMITS });
});
