/** POST /v1/attention: every layer and head of a model's attention on a text. */
import { Hono } from 'hono';
import { explainAttention } from '../../shared/explain/attention.js';
import { DEFAULT_NEW_TOKENS } from '../../shared/runtime/forward.js';
import type { ModelMeta } from '../../shared/runtime/model.js';
import { FLOW_MAX_TOKENS, LIMITS } from '../../shared/schema/limits.js';
import { AttentionRequest } from '../../shared/schema/requests.js';
import { jsonBody } from '../body.js';
import { cachedJson } from '../cache.js';
import { checkTokens, encoderDecoderOnly, inRange } from '../checks.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { maxTokens, modelMeta, tokenizerFor, withModel } from '../registry.js';

/** Weights the f32 response would hold, from the token counts alone (generation: its upper bound). */
function checkF32Size(meta: ModelMeta, req: AttentionRequest, n: number, targetTokens?: number): void {
  const { family, layers, heads, encoderLayers } = meta.shape;
  // decoder rows: the start token and the target, or at most the generated tokens
  const out = (targetTokens ?? req.generate?.max_new_tokens ?? DEFAULT_NEW_TOKENS) + 1;
  const pick = (count: number) => (req.layers ? req.layers.filter((l) => l < count).length : count);
  const h = req.aggregate !== 'none' ? 1 : (req.heads?.length ?? heads);
  const weights =
    family === 'encoder-decoder'
      ? h * (pick(encoderLayers ?? layers) * n * n + pick(layers) * (out * out + out * n))
      : h * pick(layers) * n * n;
  const total = weights * (1 + (req.analyses?.length ?? 0) / h);
  if (total > LIMITS.max_f32_weights) {
    throw new ApiError(
      400,
      'response_too_large',
      `encoding f32 would return ${Math.round(total)} weights, over the limit of ${LIMITS.max_f32_weights}; ` +
        'use encoding u8, or ask for fewer layers or heads',
    );
  }
}

export const attention = new Hono<AppEnv>().post('/', async (c) => {
  const req = await jsonBody(c, AttentionRequest);
  const meta = await modelMeta(c.env, req.model);
  const { layers, heads, encoderLayers, encoderHeads } = meta.shape;
  inRange(req.layers, Math.max(layers, encoderLayers ?? 0), 'layers', req.model);
  inRange(req.heads, Math.min(heads, encoderHeads ?? heads), 'heads', req.model);
  encoderDecoderOnly(meta, {
    target_text: req.target_text,
    generate: req.generate,
    gold_alignment: req.gold_alignment,
  });
  if (req.target_text !== undefined && req.generate) {
    throw new ApiError(400, 'invalid_request', 'give either target_text or generate, not both');
  }
  const limit = maxTokens(meta);
  const tokenizer = await tokenizerFor(c.env, meta);
  const flow = req.analyses?.includes('flow');
  const n = checkTokens(tokenizer, req.text, flow ? Math.min(limit, FLOW_MAX_TOKENS) : limit, 'text');
  if (req.target_text !== undefined) checkTokens(tokenizer, req.target_text, limit - 1, 'target_text');
  if (req.encoding === 'f32') {
    const target =
      req.target_text !== undefined ? tokenizer.encode(req.target_text, false).ids.length : undefined;
    checkF32Size(meta, req, n, target);
  }
  return cachedJson(c, 'attention', req, () =>
    withModel(c.env, req.model, (m) => explainAttention(m, req.text, req), c.req.raw.signal),
  );
});
