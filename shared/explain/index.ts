/**
 * explain(): the one entry every host calls (the worker's routes, the in-browser runner, the CLI).
 * A request says what is explained (`kind`) and is the API's body for that route; the host lends
 * what only it can fetch: the model's gradient graphs, the task data, the known rationale.
 *
 *   const open = openModel(meta, read, factory, { precision: 'int8' });
 *   const doc = await explain(await open.model, { kind: 'saliency', model: 'tiny-bert', text: 'Hi', method: 'gradient' }, open);
 *
 * Each family is a folder of the same shape: `attention/`, `saliency/`, `probe/`, each with the
 * `document.ts` that builds its explanation document, and `reliability/` for the trust figures.
 */
import type { LoadedModel } from '../runtime/model.js';
import type { ExplanationDocument } from '../schema/document.js';
import type { AttentionRequest, ProbeRequest, SaliencyRequest } from '../schema/requests.js';
import { explainAttention } from './attention/document.js';
import { explainProbe } from './probe/document.js';
import type { BrownPosData } from './probe/index.js';
import type { SaliencyContext } from './saliency/context.js';
import { explainSaliency } from './saliency/document.js';

export type ExplainRequest =
  | ({ kind: 'attention' } & AttentionRequest)
  | ({ kind: 'saliency' } & SaliencyRequest)
  | ({ kind: 'probe' } & ProbeRequest);

export type ExplainKind = ExplainRequest['kind'];

/** What the host provides, each only when a request needs it. */
export interface ExplainHost {
  /** saliency: the model's gradient graphs (built once per model; ./open-model.ts) */
  saliency?: () => Promise<SaliencyContext>;
  /** saliency: a sentiment lexicon that is the known rationale of the model's labels, if it has one */
  lexicon?: () => Promise<Record<string, number> | undefined>;
  /** probe: the built-in part-of-speech task's data */
  probeData?: () => Promise<BrownPosData>;
}

function needs<T>(what: T | undefined, name: string): T {
  if (what === undefined) throw new Error(`this host cannot run the request: it provides no ${name}`);
  return what;
}

export async function explain(
  model: LoadedModel,
  request: ExplainRequest,
  host: ExplainHost = {},
): Promise<ExplanationDocument> {
  switch (request.kind) {
    case 'attention':
      // the trust metrics that need the model as a differentiable program (significance, sanity, agreement)
      return explainAttention(model, request.text, request, host.saliency);
    case 'saliency': {
      const ctx = await needs(host.saliency, 'gradient graphs')();
      return explainSaliency(model, ctx, request.text, request, { lexicon: await host.lexicon?.() });
    }
    case 'probe':
      return explainProbe(model, request, needs(host.probeData, 'probe data'));
  }
}

export { type OpenModel, openModel } from './open-model.js';
