/** GET /v1/models: what this deployment serves, and the limits requests are held to. */
import { Hono } from 'hono';
import { LIMITS } from '../../shared/schema/limits.js';
import type { AppEnv } from '../env.js';
import { maxTokens, modelMeta, servedModelIds } from '../registry.js';

export const models = new Hono<AppEnv>().get('/', async (c) => {
  const list = await Promise.all(
    servedModelIds(c.env).map(async (id) => {
      const meta = await modelMeta(c.env, id);
      const s = meta.shape;
      return {
        id,
        family: s.family,
        layers: s.layers,
        heads: s.heads,
        ...(s.encoderLayers ? { encoder_layers: s.encoderLayers, encoder_heads: s.encoderHeads } : {}),
        ...(s.labels ? { labels: s.labels } : {}),
        max_tokens: maxTokens(meta),
      };
    }),
  );
  c.header('Cache-Control', 'public, max-age=60');
  return c.json({ models: list, limits: LIMITS });
});
