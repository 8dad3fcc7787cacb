/**
 * POST /v1/probe: which layer encodes what. Runs the built-in part-of-speech task (with its control
 * task and baseline) or trains on the caller's labelled examples. Results are deterministic for a
 * request, so they are cached (worker/cache.ts).
 */
import { Hono } from 'hono';
import { explain } from '../../shared/explain/index.js';
import { probePreconditions } from '../../shared/explain/preconditions.js';
import { ProbeRequest } from '../../shared/schema/requests.js';
import { jsonBody } from '../body.js';
import { cachedJson } from '../cache.js';
import type { AppEnv } from '../env.js';
import { brownPosData, modelMeta, requestScope, withModel } from '../registry.js';
import { checkProbeWork } from '../work.js';

export const probe = new Hono<AppEnv>().post('/', async (c) => {
  const scope = requestScope(c);
  const req = await jsonBody(c, ProbeRequest);
  probePreconditions(req);
  const meta = await modelMeta(c.env, req.model, scope); // 404 for an unknown model before anything else
  checkProbeWork(meta, req, req.examples ? undefined : await brownPosData(c.env, scope));
  return cachedJson(c, 'probe', req, () =>
    withModel(
      c.env,
      req.model,
      (m) => explain(m, { kind: 'probe', ...req }, { probeData: () => brownPosData(c.env, scope) }),
      scope,
    ),
  );
});
