/** When and how long the client waits before asking again. */
import type { ErrorCode } from '../shared/schema/error-codes.js';

/**
 * The 503s the API documents as passing: a full queue (`busy`, with `Retry-After`) and a model whose
 * files did not load (`model_unavailable`, e.g. mid-deploy). `client_disconnected` is never read.
 */
const RETRYABLE: ReadonlySet<string> = new Set<ErrorCode>(['busy', 'model_unavailable']);

export const isRetryable = (e: { code: string; status: number }) => e.status === 503 && RETRYABLE.has(e.code);

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(res: Response, now = Date.now()): number | undefined {
  const v = res.headers.get('retry-after')?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with jitter (half fixed, half random), so that retrying callers spread out. */
export function backoffDelay(baseMs: number, attempt: number): number {
  const d = baseMs * 2 ** (attempt - 1);
  return d / 2 + Math.random() * (d / 2);
}

/** Waits `ms`; false when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
