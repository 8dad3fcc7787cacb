/**
 * The models this deployment serves. Metadata (config and tokenizer config) is read from the assets
 * on demand; a model's sessions are created once per isolate on first use and reused. Runs on one
 * model are serialised: ORT's single-threaded wasm backend runs one inference at a time anyway.
 */

import { createSaliencyContext, type SaliencyContext } from '../shared/explain/saliency/index.js';
import {
  type LoadedModel,
  loadModel,
  loadTokenizer,
  type ModelMeta,
  type Precision,
  type ReadFile,
  readModelMeta,
} from '../shared/runtime/model.js';
import type { TextTokenizer } from '../shared/runtime/tokenizer.js';
import { LIMITS } from '../shared/schema/limits.js';
import type { Env } from './env.js';
import { ApiError } from './errors.js';
import { sessionFactory } from './ort.js';

const DEFAULT_MODELS = 'tiny-bert,tiny-gpt2,tiny-marian';
/** Activations one batched gradient run may take: a share of the isolate's 128 MB. */
const SALIENCY_BATCH_BYTES = 24 * 2 ** 20;

export function servedModelIds(env: Env): string[] {
  return (env.MODELS ?? DEFAULT_MODELS)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function precision(env: Env): Precision {
  return env.PRECISION === 'fp32' ? 'fp32' : 'int8';
}

function assetReader(env: Env, id: string): ReadFile {
  return async (path) => {
    const res = await env.ASSETS.fetch(new Request(`https://assets.local/models/${id}/${path}`));
    if (!res.ok) throw new Error(`model ${id}: file ${path} is missing from the assets (${res.status})`);
    return new Uint8Array(await res.arrayBuffer());
  };
}

const metas = new Map<string, Promise<ModelMeta>>();
const tokenizers = new Map<string, Promise<TextTokenizer>>();
const models = new Map<string, Promise<LoadedModel>>();
const queues = new Map<string, Promise<unknown>>();
const saliency = new Map<string, Promise<SaliencyContext>>();

/** Caches a promise, forgetting it if it fails so that a later request can try again. */
function cached<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = make();
    map.set(key, p);
    p.catch(() => map.delete(key));
  }
  return p;
}

export function modelMeta(env: Env, id: string): Promise<ModelMeta> {
  if (!servedModelIds(env).includes(id)) {
    throw new ApiError(
      404,
      'unknown_model',
      `no model "${id}" is served here; GET /v1/models lists the models`,
    );
  }
  return cached(metas, id, () => readModelMeta(id, assetReader(env, id)));
}

/** The token limit a request to this model is held to. */
export function maxTokens(meta: ModelMeta): number {
  return Math.min(LIMITS.max_tokens, meta.maxTokens);
}

/** The model's tokenizer alone: enough to count tokens before any model work. */
export function tokenizerFor(env: Env, meta: ModelMeta): Promise<TextTokenizer> {
  return cached(tokenizers, meta.id, () => loadTokenizer(meta, assetReader(env, meta.id)));
}

/** Runs `work` on the loaded model, one run at a time per model. */
export async function withModel<T>(
  env: Env,
  id: string,
  work: (m: LoadedModel, saliency: () => Promise<SaliencyContext>) => Promise<T>,
): Promise<T> {
  const meta = await modelMeta(env, id);
  // Gradient graphs are built and opened only when a saliency request first needs them.
  const saliencyContext = () =>
    cached(saliency, id, () =>
      createSaliencyContext({ ...meta, precision: precision(env) }, assetReader(env, id), sessionFactory(), {
        memoryBudget: SALIENCY_BATCH_BYTES,
      }),
    );
  const tokenizer = await tokenizerFor(env, meta);
  const model = await cached(models, id, () =>
    loadModel(meta, assetReader(env, id), sessionFactory(), { precision: precision(env), tokenizer }),
  );
  const previous = queues.get(id) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => work(model, saliencyContext));
  queues.set(id, mine);
  return mine;
}
