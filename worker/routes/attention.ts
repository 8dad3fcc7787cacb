/** POST /v1/attention: every layer and head of a model's attention on a text. */
import { Hono } from 'hono';
import { explain } from '../../shared/explain/index.js';
import { attentionPreconditions } from '../../shared/explain/preconditions.js';
import { AttentionRequest } from '../../shared/schema/requests.js';
import { jsonBody } from '../body.js';
import { cachedJson } from '../cache.js';
import type { AppEnv } from '../env.js';
import { modelMeta, requestScope, tokenizerFor, withModel } from '../registry.js';
import { checkResponseSize } from '../response-size.js';
import { checkAttentionWork } from '../work.js';

export const attention = new Hono<AppEnv>().post('/', async (c) => {
  const scope = requestScope(c);
  const req = await jsonBody(c, AttentionRequest);
  const meta = await modelMeta(c.env, req.model, scope);
  const tokenizer = await tokenizerFor(c.env, meta, scope);
  const { tokens, rows } = attentionPreconditions(meta, tokenizer, req);
  checkResponseSize(meta, req, tokens, rows);
  checkAttentionWork(meta, req, tokens);
  return cachedJson(c, 'attention', req, () =>
    withModel(
      c.env,
      req.model,
      (m, open) => explain(m, { kind: 'attention', ...req }, { saliency: open.saliency }),
      scope,
    ),
  );
});
