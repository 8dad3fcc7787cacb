/** POST /v1/attention: every layer and head of a model's attention on a text. */
import { Hono } from 'hono';
import { explainAttention } from '../../shared/explain/attention.js';
import { FLOW_MAX_TOKENS } from '../../shared/schema/limits.js';
import { AttentionRequest } from '../../shared/schema/requests.js';
import { jsonBody } from '../body.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { maxTokens, modelMeta, tokenizerFor, withModel } from '../registry.js';
import { checkTokens } from '../tokens.js';

export const attention = new Hono<AppEnv>().post('/', async (c) => {
  const req = await jsonBody(c, AttentionRequest);
  const meta = await modelMeta(c.env, req.model);
  const { family, layers, heads, encoderLayers, encoderHeads } = meta.shape;
  const layerCount = Math.max(layers, encoderLayers ?? 0);
  const headCount = Math.min(heads, encoderHeads ?? heads);
  const badLayer = req.layers?.find((l) => l >= layerCount);
  if (badLayer !== undefined) {
    throw new ApiError(
      400,
      'layer_out_of_range',
      `layers: ${badLayer} is out of range; ${req.model} has layers 0..${layerCount - 1}`,
    );
  }
  const badHead = req.heads?.find((h) => h >= headCount);
  if (badHead !== undefined) {
    throw new ApiError(
      400,
      'head_out_of_range',
      `heads: ${badHead} is out of range; ${req.model} has heads 0..${headCount - 1}`,
    );
  }
  if (family !== 'encoder-decoder' && (req.target_text !== undefined || req.generate)) {
    throw new ApiError(
      400,
      'target_not_supported',
      `target_text and generate apply to encoder-decoder models; ${req.model} is an ${family} model`,
    );
  }
  if (req.target_text !== undefined && req.generate) {
    throw new ApiError(400, 'invalid_request', 'give either target_text or generate, not both');
  }
  if (req.gold_alignment && family !== 'encoder-decoder') {
    throw new ApiError(
      400,
      'target_not_supported',
      `gold_alignment applies to encoder-decoder models; ${req.model} is an ${family} model`,
    );
  }
  const limit = maxTokens(meta);
  const tokenizer = await tokenizerFor(c.env, meta);
  checkTokens(
    tokenizer,
    req.text,
    req.analyses?.includes('flow') ? Math.min(limit, FLOW_MAX_TOKENS) : limit,
    'text',
  );
  if (req.target_text !== undefined) checkTokens(tokenizer, req.target_text, limit - 1, 'target_text');
  const doc = await withModel(c.env, req.model, (m) => explainAttention(m, req.text, req));
  return c.json(doc);
});
