/**
 * The typed client (client/) against the worker in workerd: each method, an API error as a typed
 * value, an abort, and retries on a real 503 `busy` (a worker of its own whose queue is overfilled,
 * as load.test.ts does, so that other files' requests are not refused).
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createClient, type RetryInfo } from '../client/index.js';
import { ExplanationDocument } from '../shared/schema/document.js';
import { ERROR_CODES } from '../shared/schema/error-codes.js';
import { LIMITS } from '../shared/schema/limits.js';
import { ModelsResponse } from '../shared/schema/models.js';
import { startWrangler, type Wrangler } from '../test/setup/start-wrangler.js';

const api = createClient(inject('apiUrl'));

function value<T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!r.ok) throw new Error(`API error: ${JSON.stringify(r.error)}`);
  return r.value;
}

describe('typed client, one method per route', () => {
  it('models() lists the served models and the limits', async () => {
    const body = ModelsResponse.parse(value(await api.models()));
    expect(body.models.map((m) => m.id)).toContain('tiny-bert');
    expect(body.limits).toEqual(LIMITS);
  });

  it('attention(), saliency() and probe() return explanation documents', async () => {
    const att = ExplanationDocument.parse(
      value(await api.attention({ model: 'tiny-bert', text: 'The cat sat.' })),
    );
    expect(att.attention).toHaveLength(att.model.layers);
    const sal = ExplanationDocument.parse(
      value(await api.saliency({ model: 'tiny-bert', text: 'The cat sat.', method: 'gradient' })),
    );
    expect(sal.saliency?.[0].scores).toHaveLength(sal.input.tokens.length);
    const probe = ExplanationDocument.parse(
      value(await api.probe({ model: 'tiny-bert', task: 'pos', layers: [0] })),
    );
    expect(probe.probe).toBeTypeOf('object');
  });

  it('schema() and openapi() return the JSON Schema and the OpenAPI description', async () => {
    expect(value(await api.schema())).toHaveProperty('$schema');
    expect(value(await api.openapi()).openapi).toBe('3.1.0');
  });

  it('a 4xx is a typed value with the code, message and status; no retry', async () => {
    const retries: RetryInfo[] = [];
    const c = createClient(inject('apiUrl'), { onRetry: (i) => retries.push(i) });
    const r = await c.attention({ model: 'no-such-model', text: 'The cat sat.' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'unknown_model', status: ERROR_CODES.unknown_model.status });
    expect(r.error.message).toContain('no-such-model');
    const bad = await c.saliency({ model: 'tiny-bert', text: ' ', method: 'gradient' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'empty_text', status: 400 } });
    expect(retries).toEqual([]);
  });

  it('an aborted signal answers `aborted` without a request', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const r = await api.models({ signal: ctl.signal });
    expect(r).toMatchObject({ ok: false, error: { code: 'aborted', status: 0 } });
  });
});

describe('typed client, retries', () => {
  let w: Wrangler | undefined;
  afterAll(() => w?.stop());

  it(`retries 503 busy after Retry-After until the overfilled queue has room`, async () => {
    w = await startWrangler();
    const retries: RetryInfo[] = [];
    const c = createClient(w.url, { onRetry: (i) => retries.push(i) });
    const model = 'tiny-bert';
    const text = (i: number) =>
      `${i} The jury said it did find that many of the old laws were never enforced. `;
    expect((await c.saliency({ model, text: 'warm up', method: 'gradient' })).ok).toBe(true);
    // More calls than the queue admits, arriving while the first runs (distinct texts: no cache hit).
    const total = 1 + LIMITS.max_queued_requests + 3;
    // integrated gradients at 128 steps: each call outlasts all arrivals by far
    const calls = Array.from({ length: total }, (_, i) =>
      c.saliency({ model, text: text(i), method: 'integrated_gradients', steps: 128 }),
    );
    const results = await Promise.all(calls);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    // exactly the calls past the queue's limit were refused at first, then got through
    expect(retries.filter((r) => r.attempt === 1)).toHaveLength(3);
    for (const r of retries) {
      expect(r.error).toMatchObject({ code: 'busy', status: 503 });
      expect(r.delayMs).toBe(5000); // the worker's Retry-After, not the client's backoff
    }
  }, 120_000);
});
