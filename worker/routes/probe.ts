/**
 * POST /v1/probe: which layer encodes what. Runs the built-in part-of-speech task (with its control
 * task and baseline) or trains on the caller's labelled examples. Results are deterministic for a
 * request, so they are cached (worker/cache.ts).
 */
import { Hono } from 'hono';
import { describeModel } from '../../shared/explain/document.js';
import {
  type BrownPosData,
  brownPosTask,
  runProbe,
  runProbeOnExamples,
} from '../../shared/explain/probe/index.js';
import type { ExplanationDocument } from '../../shared/schema/document.js';
import { SCHEMA_ID } from '../../shared/schema/id.js';
import { LIMITS } from '../../shared/schema/limits.js';
import { ProbeRequest } from '../../shared/schema/requests.js';
import { jsonBody } from '../body.js';
import { cachedJson } from '../cache.js';
import type { AppEnv, Env } from '../env.js';
import { ApiError } from '../errors.js';
import { maxTokens, modelMeta, withModel } from '../registry.js';

/** Sentences per split of the built-in task: its features must fit an isolate beside the model. */
const TASK_LIMITS = { train: 300, dev: 100, test: 200 };

let posData: Promise<BrownPosData> | undefined;
function brownPos(env: Env): Promise<BrownPosData> {
  posData ??= env.ASSETS.fetch(new Request('https://assets.local/probe-data/brown-pos.json')).then((r) => {
    if (!r.ok) throw new Error(`probe data missing from the assets (${r.status})`);
    return r.json() as Promise<BrownPosData>;
  });
  posData.catch(() => {
    posData = undefined;
  });
  return posData;
}

export const probe = new Hono<AppEnv>().post('/', async (c) => {
  const req = await jsonBody(c, ProbeRequest);
  if (req.examples && (req.task || req.layers)) {
    throw new ApiError(
      400,
      'invalid_request',
      'give either examples (with layer) or a built-in task (with layers)',
    );
  }
  if (!req.examples && req.layer !== undefined) {
    throw new ApiError(400, 'invalid_request', 'layer goes with examples; the built-in task takes layers');
  }
  const meta = await modelMeta(c.env, req.model);

  const opts = {
    probe: req.probe,
    features: req.features,
    seed: req.seed ?? 0,
    now: () => performance.now(),
  };
  return cachedJson(c, 'probe', req, () =>
    withModel(c.env, req.model, async (model): Promise<ExplanationDocument> => {
      const result = req.examples
        ? await runProbeOnExamples(
            model,
            { examples: req.examples, layer: req.layer },
            {
              ...opts,
              limits: { maxExamples: LIMITS.max_probe_examples, maxTokensPerExample: maxTokens(meta) },
            },
          )
        : await runProbe(
            model,
            brownPosTask(await brownPos(c.env), {
              tagset: req.task === 'pos_fine' ? 'fine' : 'universal',
              limits: TASK_LIMITS,
            }),
            { ...opts, layers: req.layers },
          );
      return {
        schema: SCHEMA_ID,
        model: describeModel(model),
        input: { text: '', tokens: [] },
        probe: result as unknown as Record<string, unknown>,
      };
    }),
  );
});
