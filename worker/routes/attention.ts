/** POST /v1/attention: every layer and head of a model's attention on a text. */
import { Hono } from 'hono';
import { explainAttention } from '../../shared/explain/attention.js';
import { flowLimitMessage } from '../../shared/explain/attention-flow.js';
import { FLOW_MAX_TOKENS } from '../../shared/schema/limits.js';
import { AttentionRequest } from '../../shared/schema/requests.js';
import { jsonBody } from '../body.js';
import { cachedJson } from '../cache.js';
import { checkAlignment, checkTokens, encoderDecoderOnly, inRange } from '../checks.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { maxTokens, modelMeta, requestScope, tokenizerFor, withModel } from '../registry.js';
import { checkResponseSize, decoderRows } from '../response-size.js';

export const attention = new Hono<AppEnv>().post('/', async (c) => {
  const scope = requestScope(c);
  const req = await jsonBody(c, AttentionRequest);
  const meta = await modelMeta(c.env, req.model, scope);
  const { layers, heads, encoderLayers, encoderHeads } = meta.shape;
  inRange(req.layers, Math.max(layers, encoderLayers ?? 0), 'layers', req.model);
  inRange(req.heads, Math.min(heads, encoderHeads ?? heads), 'heads', req.model);
  encoderDecoderOnly(meta, {
    target_text: req.target_text,
    generate: req.generate,
    gold_alignment: req.gold_alignment,
  });
  if (req.target_text !== undefined && req.generate) {
    throw new ApiError('invalid_request', 'give either target_text or generate, not both');
  }
  const limit = maxTokens(meta);
  const tokenizer = await tokenizerFor(c.env, meta, scope);
  const flow = req.analyses?.includes('flow');
  const n = checkTokens(tokenizer, req.text, limit, 'text');
  // Flow's own, lower limit is refused under its own code, so a caller can tell which option to drop.
  if (flow && n > FLOW_MAX_TOKENS) throw new ApiError('flow_too_large', `analyses: ${flowLimitMessage(n)}`);
  let target: number | undefined;
  if (req.target_text !== undefined) {
    checkTokens(tokenizer, req.target_text, limit - 1, 'target_text');
    target = tokenizer.encode(req.target_text, false).ids.length;
  }
  const rows = decoderRows(req, target);
  checkAlignment(req.gold_alignment, rows, n);
  checkResponseSize(meta, req, n, rows);
  return cachedJson(c, 'attention', req, () =>
    withModel(c.env, req.model, (m) => explainAttention(m, req.text, req), scope),
  );
});
