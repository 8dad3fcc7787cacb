/**
 * Load on one isolate, in workerd: cheap routes answer while a long model call runs (the core yields
 * to the event loop between batches), and calls past the queue limit are refused with 503 `busy` and
 * `Retry-After`. This file starts its own `wrangler dev`, so that filling its queue cannot turn
 * other test files' requests into 503s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../shared/schema/limits.js';
import { startWrangler, type Wrangler } from '../test/setup/start-wrangler.js';

let w: Wrangler;
beforeAll(async () => {
  w = await startWrangler();
});
afterAll(() => w?.stop());

const SENTENCE = 'The jury said it did find that many of the old laws were never enforced. ';

function post(path: string, body: unknown) {
  return fetch(`${w.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('one isolate under load', () => {
  it('GET /v1/models, /v1/schema and /openapi.json answer while a long model call runs', async () => {
    const model = 'brown-sentiment';
    // sessions and gradient graphs first, so that the long call below is model work throughout
    expect((await post('/v1/saliency', { model, text: 'warm up', method: 'gradient' })).status).toBe(200);
    let longDone = false;
    const long = post('/v1/saliency', {
      model,
      text: SENTENCE.repeat(8),
      method: 'integrated_gradients',
      steps: 128,
    }).then((r) => {
      longDone = true;
      return r;
    });
    // Rounds one after another: each needs the event loop again while the long call computes.
    const rounds: { statuses: number[]; longDone: boolean }[] = [];
    for (let i = 0; i < 3; i++) {
      const statuses = await Promise.all(
        ['/v1/models', '/v1/schema', '/openapi.json'].map(async (p) => (await fetch(`${w.url}${p}`)).status),
      );
      rounds.push({ statuses, longDone });
    }
    expect(rounds).toEqual(Array(3).fill({ statuses: [200, 200, 200], longDone: false }));
    expect((await long).status).toBe(200);
  });

  it(`past ${LIMITS.max_queued_requests} waiting calls, 503 busy with Retry-After; the admitted ones succeed`, async () => {
    const model = 'brown-sentiment';
    const limits = (await (await fetch(`${w.url}/v1/models`)).json()).limits;
    expect(limits.max_queued_requests).toBe(LIMITS.max_queued_requests);
    const extra = 3;
    const total = 1 + LIMITS.max_queued_requests + extra;
    // Distinct texts: no cache hit. Each call takes far longer than all of them take to arrive.
    const calls = Array.from({ length: total }, (_, i) =>
      post('/v1/saliency', { model, text: `${i} ${SENTENCE.repeat(4)}`, method: 'gradient' }),
    );
    let firstDone = false;
    void Promise.race(calls).then(() => {
      firstDone = true;
    });
    const models = await fetch(`${w.url}/v1/models`);
    // answered while every admitted call is still queued or running
    expect({ status: models.status, firstDone }).toEqual({ status: 200, firstDone: false });
    const responses = await Promise.all(calls);
    const busy = responses.filter((r) => r.status === 503);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1 + LIMITS.max_queued_requests);
    expect(busy).toHaveLength(extra);
    for (const r of busy) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await r.json()).error.code).toBe('busy');
    }
  });
});
