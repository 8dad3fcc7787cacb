/** POST /v1/saliency: which input tokens move a prediction most, by one attribution method. */
import { Hono } from 'hono';
import { explain } from '../../shared/explain/index.js';
import { saliencyPreconditions } from '../../shared/explain/preconditions.js';
import { SaliencyRequest } from '../../shared/schema/requests.js';
import { jsonBody } from '../body.js';
import { cachedJson } from '../cache.js';
import type { AppEnv } from '../env.js';
import { lexiconFor, modelMeta, requestScope, tokenizerFor, withModel } from '../registry.js';
import { checkSaliencyWork } from '../work.js';

export const saliency = new Hono<AppEnv>().post('/', async (c) => {
  const scope = requestScope(c);
  const req = await jsonBody(c, SaliencyRequest);
  const meta = await modelMeta(c.env, req.model, scope);
  const tokenizer = await tokenizerFor(c.env, meta, scope);
  checkSaliencyWork(meta, req, saliencyPreconditions(meta, tokenizer, req));
  const lexicon = await lexiconFor(c.env, req.model, scope);
  return cachedJson(c, 'saliency', req, () =>
    withModel(
      c.env,
      req.model,
      (m, open) =>
        explain(m, { kind: 'saliency', ...req }, { saliency: open.saliency, lexicon: async () => lexicon }),
      scope,
    ),
  );
});
