/**
 * The models this deployment serves. Metadata (config and tokenizer config) is read from the assets
 * on demand; a model's sessions are created on first use and reused. An isolate keeps at most
 * `MAX_RESIDENT_MODELS` models open (default 1) and releases the least recently used beyond that:
 * with their gradient graphs, five small models held at once took 100 MiB of wasm heap, one at a
 * time 83 MiB, and an isolate has 128 MB in all.
 * All model work in the isolate is serialised (see `withModel`).
 */

import { type OpenModel, openModel } from '../shared/explain/open-model.js';
import type { BrownPosData } from '../shared/explain/probe/index.js';
import {
  type LoadedModel,
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

const DEFAULT_MODELS = 'brown-sentiment,brown-gpt,brown-seq2seq,tiny-bert,tiny-gpt2,tiny-marian';
/** Activations one batched gradient run may take: a share of the isolate's 128 MB. */
const SALIENCY_BATCH_BYTES = 24 * 2 ** 20;
const DEFAULT_RESIDENT = 1;

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

/**
 * A model whose files are missing or do not parse (graph, tokenizer, config) or that onnxruntime
 * refuses: the caller cannot fix it, so a 503 without details; the cause goes to the log. Errors the
 * core raises with a code (a model that cannot expose attention, …) keep their own answer.
 */
function unavailable(id: string, err: unknown): Error {
  if (err instanceof ApiError || typeof (err as { code?: unknown })?.code === 'string') return err as Error;
  console.error(`model ${id} failed to load`, err);
  return new ApiError('model_unavailable', `model ${id} is unavailable on this server`);
}

/**
 * What a request lends the work it starts for everyone. `waitUntil` keeps the request's I/O context
 * alive until that work has settled: in workerd a promise whose I/O belongs to a request that has
 * ended (answered early, or its client gone) never settles, and every later request waiting on it,
 * a cached load or the model queue, would hang. `signal` tells a queued job that its client left.
 */
export interface RequestScope {
  signal?: AbortSignal;
  waitUntil?: (p: Promise<unknown>) => void;
}

/** A Hono context's scope: its request's abort signal and the execution context's waitUntil. */
export function requestScope(c: {
  req: { raw: Request };
  executionCtx: { waitUntil(p: Promise<unknown>): void };
}): RequestScope {
  return { signal: c.req.raw.signal, waitUntil: (p) => c.executionCtx.waitUntil(p) };
}

/** Caches a promise, forgetting it if it fails so that a later request can try again. */
function cached<T>(
  map: Map<string, Promise<T>>,
  key: string,
  make: () => Promise<T>,
  scope?: RequestScope,
): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = make();
    map.set(key, p);
    p.catch(() => map.delete(key));
    scope?.waitUntil?.(p.catch(() => undefined));
  }
  return p;
}

const metas = new Map<string, Promise<ModelMeta>>();
const tokenizers = new Map<string, Promise<TextTokenizer>>();

export function modelMeta(env: Env, id: string, scope?: RequestScope): Promise<ModelMeta> {
  if (!servedModelIds(env).includes(id)) {
    throw new ApiError('unknown_model', `no model "${id}" is served here; GET /v1/models lists the models`);
  }
  return cached(
    metas,
    id,
    () =>
      readModelMeta(id, assetReader(env, id)).catch((e) => {
        throw unavailable(id, e);
      }),
    scope,
  );
}

/** The model's tokenizer alone: enough to count tokens before any model work. */
export function tokenizerFor(env: Env, meta: ModelMeta, scope?: RequestScope): Promise<TextTokenizer> {
  return cached(
    tokenizers,
    meta.id,
    () =>
      loadTokenizer(meta, assetReader(env, meta.id)).catch((e) => {
        throw unavailable(meta.id, e);
      }),
    scope,
  );
}

const probeData = new Map<string, Promise<BrownPosData>>();

/** The built-in probing task's data (a compact Brown sample in the assets). */
export function brownPosData(env: Env, scope?: RequestScope): Promise<BrownPosData> {
  return cached(
    probeData,
    'brown-pos',
    async () => {
      const res = await env.ASSETS.fetch(new Request('https://assets.local/probe-data/brown-pos.json'));
      if (!res.ok) throw new Error(`probe data missing from the assets (${res.status})`);
      return (await res.json()) as BrownPosData;
    },
    scope,
  );
}

const lexicons = new Map<string, Promise<Record<string, number> | undefined>>();

/** The model's sentiment lexicon (`lexicon.json`), where its labels are a known function of one. */
export function lexiconFor(
  env: Env,
  id: string,
  scope?: RequestScope,
): Promise<Record<string, number> | undefined> {
  let p = lexicons.get(id);
  if (!p) {
    p = assetReader(
      env,
      id,
    )('lexicon.json').then(
      (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as Record<string, number>,
      () => undefined,
    );
    lexicons.set(id, p);
    scope?.waitUntil?.(p);
  }
  return p;
}

/** Insertion order is recency: a used model is moved to the end. */
const resident = new Map<string, OpenModel>();

function open(env: Env, meta: ModelMeta, tokenizer: TextTokenizer): OpenModel {
  const r = openModel(meta, assetReader(env, meta.id), sessionFactory(), {
    precision: precision(env),
    tokenizer,
    memoryBudget: SALIENCY_BATCH_BYTES,
    onError: (e) => unavailable(meta.id, e),
  });
  r.model.catch(() => resident.delete(meta.id));
  return r;
}

async function evictBeyond(limit: number): Promise<void> {
  while (resident.size > limit) {
    const [id, r] = resident.entries().next().value as [string, OpenModel];
    resident.delete(id);
    await r.release(); // the heap it frees is reused by the next model (a wasm heap never shrinks)
  }
}

/** One queue for the isolate: ORT's wasm backend is single-threaded, so runs gain nothing from
 * interleaving, and one model at a time bounds the heap to one model's working set. */
let queue: Promise<unknown> = Promise.resolve();
const stats = { waiting: 0, running: 0, skipped_disconnected: 0 };

/** The queue's state, for GET /v1/_diagnostics. */
export function queueStats(): typeof stats {
  return { ...stats };
}

/** Calls admitted and not yet finished (the running one included). */
let pending = 0;
/** Seconds a refused caller is told to wait: about one long call. */
export const BUSY_RETRY_AFTER_S = 5;

/**
 * Runs `work` on the loaded model, one run at a time in the isolate. A call that would wait behind
 * more than `max_queued_requests` others is refused at once (503 `busy`): waiting callers hold
 * their request bodies and connections, and a queue without bound only turns load into timeouts.
 * A job whose client has gone (`scope.signal` aborted) before its turn is skipped: nobody would read
 * its answer, and the requests behind it would wait for it. A run already under way finishes (ORT
 * cannot be interrupted), kept alive by `scope.waitUntil` so that the queue behind it moves on.
 */
export function withModel<T>(
  env: Env,
  id: string,
  work: (m: LoadedModel, open: OpenModel) => Promise<T>,
  scope?: RequestScope,
): Promise<T> {
  if (pending > LIMITS.max_queued_requests) {
    throw new ApiError(
      'busy',
      `this instance is running a model call with ${LIMITS.max_queued_requests} more waiting; retry after ${BUSY_RETRY_AFTER_S} s`,
      { 'Retry-After': String(BUSY_RETRY_AFTER_S) },
    );
  }
  pending++;
  const limit = Math.max(1, Number(env.MAX_RESIDENT_MODELS ?? DEFAULT_RESIDENT) || DEFAULT_RESIDENT);
  const job = async () => {
    stats.waiting--;
    if (scope?.signal?.aborted) {
      stats.skipped_disconnected++;
      throw new ApiError('client_disconnected', 'the client closed the connection');
    }
    stats.running++;
    try {
      const meta = await modelMeta(env, id, scope);
      const tokenizer = await tokenizerFor(env, meta, scope);
      let r = resident.get(id);
      if (r) resident.delete(id);
      else {
        await evictBeyond(limit - 1);
        r = open(env, meta, tokenizer);
      }
      resident.set(id, r);
      return await work(await r.model, r);
    } finally {
      stats.running--;
    }
  };
  stats.waiting++;
  const run = queue.catch(() => undefined).then(job);
  queue = run;
  scope?.waitUntil?.(run.catch(() => undefined));
  return run.finally(() => {
    pending--;
  });
}
