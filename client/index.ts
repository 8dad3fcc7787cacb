/**
 * The typed client of the API: one method per route, request and response types taken from the zod
 * schemas the worker validates with (type imports only: zod does not ship to the caller), errors as
 * values with the API's codes, and retries on the 503s the API documents as passing (`busy`,
 * `model_unavailable`), after `Retry-After` when the worker sends one.
 *
 *   const api = createClient('https://example.org');
 *   const r = await api.attention({ model: 'tiny-bert', text: 'The cat sat.' });
 *   if (r.ok) console.log(r.value.attention?.length); else console.error(r.error.code);
 */
import type { z } from 'zod';
import type { ExplanationDocument } from '../shared/schema/document.js';
import type { ErrorCode } from '../shared/schema/error-codes.js';
import type { ModelsResponse } from '../shared/schema/models.js';
import type { AttentionRequest, ProbeRequest, SaliencyRequest } from '../shared/schema/requests.js';
import { backoffDelay, isRetryable, retryAfterMs, sleep } from './retry.js';

export type { ErrorCode, ExplanationDocument, ModelsResponse };
/** What a caller sends: the schemas' input side (fields with defaults may be left out). */
export type AttentionParams = z.input<typeof AttentionRequest>;
export type SaliencyParams = z.input<typeof SaliencyRequest>;
export type ProbeParams = z.input<typeof ProbeRequest>;

/**
 * Codes the client adds for what never reached an API answer: the network failed, the caller
 * aborted, or the answer was not the API's JSON. Their `status` is 0 (no HTTP status) or the
 * response's own status.
 */
export type ClientErrorCode = 'network_error' | 'aborted' | 'invalid_response';

export interface ClientError {
  code: ErrorCode | ClientErrorCode;
  message: string;
  /** the HTTP status, 0 when no response came */
  status: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ClientError };

export interface RetryInfo {
  /** the attempt that failed, from 1 */
  attempt: number;
  /** how long the client waits before the next attempt */
  delayMs: number;
  error: ClientError;
}

export interface ClientOptions {
  /** retries after a retryable 503 (default 3; 0 turns retrying off) */
  retries?: number;
  /** first backoff delay when the worker sends no `Retry-After` (default 500 ms, doubling) */
  backoffMs?: number;
  /** the longest wait before a retry, `Retry-After` included (default 30 s) */
  maxDelayMs?: number;
  /** aborts every request of this client (each call may pass its own too) */
  signal?: AbortSignal;
  /** called before each retry */
  onRetry?: (info: RetryInfo) => void;
  /** a fetch to use instead of the global one */
  fetch?: typeof fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface Client {
  models(o?: CallOptions): Promise<Result<ModelsResponse>>;
  attention(req: AttentionParams, o?: CallOptions): Promise<Result<ExplanationDocument>>;
  saliency(req: SaliencyParams, o?: CallOptions): Promise<Result<ExplanationDocument>>;
  probe(req: ProbeParams, o?: CallOptions): Promise<Result<ExplanationDocument>>;
  /** JSON Schema (2020-12) of the explanation document */
  schema(o?: CallOptions): Promise<Result<Record<string, unknown>>>;
  /** the OpenAPI 3.1 description */
  openapi(o?: CallOptions): Promise<Result<{ openapi: string } & Record<string, unknown>>>;
}

const failure = (code: ClientError['code'], message: string, status = 0) =>
  ({ ok: false, error: { code, message, status } }) as const;

/** The API's error body, or a client code when the body is something else (a proxy's HTML page). */
async function errorOf(res: Response): Promise<ClientError> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof code === 'string' && typeof message === 'string')
      return { code: code as ErrorCode, message, status: res.status };
  } catch {
    // not JSON
  }
  return {
    code: 'invalid_response',
    message: `HTTP ${res.status} without an API error body`,
    status: res.status,
  };
}

export function createClient(base: string, opts: ClientOptions = {}): Client {
  const root = base.replace(/\/+$/, '');
  const retries = opts.retries ?? 3;
  const backoffMs = opts.backoffMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));

  async function call<T>(path: string, body: unknown, call: CallOptions = {}): Promise<Result<T>> {
    const signals = [opts.signal, call.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const init: RequestInit =
      body === undefined
        ? { method: 'GET', signal }
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            signal,
          };
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await doFetch(`${root}${path}`, init);
      } catch (e) {
        if (signal?.aborted) return failure('aborted', 'the request was aborted');
        return failure('network_error', (e as Error).message ?? String(e));
      }
      if (res.ok) {
        try {
          return { ok: true, value: (await res.json()) as T };
        } catch (e) {
          if (signal?.aborted) return failure('aborted', 'the request was aborted');
          return failure('invalid_response', `the response is not JSON: ${(e as Error).message}`, res.status);
        }
      }
      const error = await errorOf(res);
      if (attempt > retries || !isRetryable(error)) return { ok: false, error };
      const delayMs = Math.min(maxDelayMs, retryAfterMs(res) ?? backoffDelay(backoffMs, attempt));
      opts.onRetry?.({ attempt, delayMs, error });
      if (!(await sleep(delayMs, signal))) return failure('aborted', 'the request was aborted');
    }
  }

  return {
    models: (o) => call('/v1/models', undefined, o),
    attention: (req, o) => call('/v1/attention', req, o),
    saliency: (req, o) => call('/v1/saliency', req, o),
    probe: (req, o) => call('/v1/probe', req, o),
    schema: (o) => call('/v1/schema', undefined, o),
    openapi: (o) => call('/openapi.json', undefined, o),
  };
}
