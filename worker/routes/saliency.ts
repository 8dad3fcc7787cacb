/** POST /v1/saliency: which input tokens move a prediction most, by one attribution method. */
import { Hono } from 'hono';
import { explainSaliency } from '../../shared/explain/saliency-document.js';
import { DEFAULT_NEW_TOKENS } from '../../shared/runtime/forward.js';
import { LIMITS } from '../../shared/schema/limits.js';
import { SaliencyRequest } from '../../shared/schema/requests.js';
import { misplacedSaliencyParam } from '../../shared/schema/saliency-params.js';
import { jsonBody } from '../body.js';
import { cachedJson } from '../cache.js';
import { checkTokens, encoderDecoderOnly } from '../checks.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { lexiconFor, maxTokens, modelMeta, requestScope, tokenizerFor, withModel } from '../registry.js';
import { checkSaliencyWork } from '../work.js';

export const saliency = new Hono<AppEnv>().post('/', async (c) => {
  const scope = requestScope(c);
  const req = await jsonBody(c, SaliencyRequest);
  const misplaced = misplacedSaliencyParam(req);
  if (misplaced) throw new ApiError('invalid_request', misplaced);
  const meta = await modelMeta(c.env, req.model, scope);
  encoderDecoderOnly(meta, { target_text: req.target_text });
  const limit = Math.min(maxTokens(meta), LIMITS.max_saliency_tokens);
  const tokenizer = await tokenizerFor(c.env, meta, scope);
  const n = checkTokens(tokenizer, req.text, limit, 'text');
  // an encoder-decoder's decoder runs over the target (or a greedy decoding of the default length)
  const out =
    meta.shape.family !== 'encoder-decoder'
      ? 0
      : req.target_text !== undefined
        ? checkTokens(tokenizer, req.target_text, limit - 1, 'target_text')
        : DEFAULT_NEW_TOKENS + 1;
  checkSaliencyWork(meta, req, n + out);
  const lexicon = await lexiconFor(c.env, req.model, scope);
  return cachedJson(c, 'saliency', req, () =>
    withModel(
      c.env,
      req.model,
      async (m, ctx) => explainSaliency(m, await ctx(), req.text, req, { lexicon }),
      scope,
    ),
  );
});
