/**
 * Faults, in workerd with real onnxruntime: broken model folders (models/tiny/faults.ts), a graph
 * that fails inside ORT in the middle of a batch, and clients that disconnect mid-request. A broken
 * model gives a clean JSON error with a code (no stack, file path or detail); a refused batch is run
 * again one example at a time and answers correctly. Each must release the sessions it opened, keep
 * the wasm heap from growing over repeats, and leave the isolate answering.
 * This file starts its own `wrangler dev` on a temporary assets folder holding only the fixtures:
 * the worker serves `models/<id>/` from its assets for each id in `MODELS`, nothing else is needed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILING_BATCH, FAULT_MODELS, writeFaultSite } from '../models/tiny/faults.js';
import { startWrangler, type Wrangler } from '../test/setup/start-wrangler.js';

const GOOD = 'tiny-bert';
const REPEATS = 5;
/**
 * What 5 repeats of one faulty request may add to the wasm heap after the first: a freed working set
 * is reused, so a repeat adds nothing (+0 B measured for every fault below, the heap at 16 MiB
 * throughout). The heap grows in whole pages from a 16 MiB start, so a leak of the tiny models'
 * sessions (their graphs are 95–200 kB) could hide in it for a few repeats: `open_sessions` is the
 * exact check, this bound the coarse one.
 */
const REPEAT_HEAP_GROWTH_BOUND = 2 ** 20;

let w: Wrangler;
let site: string;
beforeAll(async () => {
  site = mkdtempSync(join(tmpdir(), 'attn-heatmap-faults-'));
  const ids = await writeFaultSite(site);
  w = await startWrangler({
    assets: site,
    // every fixture resident at once: a fault's sessions must be released, not evicted later
    vars: { MODELS: ids.join(','), MAX_RESIDENT_MODELS: String(ids.length) },
    // GET /v1/models is one of the things under test (a broken config.json)
    ready: '/v1/schema',
  });
});
afterAll(async () => {
  await w?.stop();
  if (site) rmSync(site, { recursive: true, force: true });
});

interface Diagnostics {
  wasm_heap_bytes: number;
  open_sessions: number;
  queue: { waiting: number; running: number; skipped_disconnected: number };
}

async function diag(): Promise<Diagnostics> {
  const r = await fetch(`${w.url}/v1/_diagnostics`);
  expect(r.status).toBe(200);
  return r.json();
}

/** Polls the diagnostics until `ok` holds (the worker yields between batches, so it answers). */
async function until(ok: (d: Diagnostics) => boolean, what: string): Promise<Diagnostics> {
  for (let i = 0; i < 600; i++) {
    const d = await diag();
    if (ok(d)) return d;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the worker never reached: ${what}`);
}

function post(path: string, body: unknown, signal?: AbortSignal) {
  return fetch(`${w.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
}

/** `{error:{code,message}}` and nothing else; the message names no file, stack or ORT detail. */
async function expectCleanError(r: Response, status: number, code: string): Promise<string> {
  const body = await r.json();
  expect({ status: r.status, keys: Object.keys(body), errorKeys: Object.keys(body.error ?? {}) }).toEqual({
    status,
    keys: ['error'],
    errorKeys: ['code', 'message'],
  });
  expect(body.error.code).toBe(code);
  expect(body.error.message).not.toMatch(/\.onnx|\.json|\/|\bat\s|\n|Error|\bort\b|wasm|protobuf|parse/i);
  return body.error.message;
}

let goodCount = 0;
/** A request to the good model with a text never sent before (a real run, not a cache hit). */
async function expectGoodAnswers(): Promise<void> {
  const r = await post('/v1/attention', { model: GOOD, text: `The next request ${goodCount++} works.` });
  expect(r.status).toBe(200);
  expect((await r.json()).attention.length).toBeGreaterThan(0);
}

/** Measured figures, printed once at the end for the README. */
const figures: Record<string, string> = {};
afterAll(() => {
  if (Object.keys(figures).length) console.log('fault figures', figures);
});

describe('faults', () => {
  beforeAll(async () => {
    // ORT instantiated and the good model's forward and gradient sessions open: the baseline heap
    expect((await post('/v1/saliency', { model: GOOD, text: 'warm up', method: 'gradient' })).status).toBe(
      200,
    );
    await expectGoodAnswers();
  });

  const LOAD_FAULTS: [string, string, string][] = [
    ['a missing graph file', 'fault-missing-onnx', '/v1/attention'],
    ['a missing decoder graph (the encoder had opened)', 'fault-missing-decoder', '/v1/attention'],
    ['a truncated graph', 'fault-truncated-onnx', '/v1/attention'],
    ['a garbage graph', 'fault-garbage-onnx', '/v1/attention'],
    ['a tokenizer.json that does not parse', 'fault-bad-tokenizer', '/v1/attention'],
    ['a config.json that does not parse', 'fault-bad-config', '/v1/attention'],
    ['a missing graph file, asked for saliency', 'fault-missing-onnx', '/v1/saliency'],
  ];

  it.each(LOAD_FAULTS)(
    '%s: 503 model_unavailable ×5, sessions released, heap flat, the good model next',
    async (_, id, path) => {
      const before = await diag();
      const heaps: number[] = [];
      const messages = new Set<string>();
      for (let i = 0; i < REPEATS; i++) {
        const body = {
          model: id,
          text: `a request ${i} to a broken model`,
          ...(path === '/v1/saliency' ? { method: 'gradient' } : {}),
        };
        messages.add(await expectCleanError(await post(path, body), 503, 'model_unavailable'));
        const d = await diag();
        expect(d.open_sessions).toBe(before.open_sessions);
        heaps.push(d.wasm_heap_bytes);
        await expectGoodAnswers();
      }
      expect([...messages]).toEqual([`model ${id} is unavailable on this server`]);
      const growth = heaps[REPEATS - 1] - heaps[0];
      figures[`${id} ${path}`] =
        `heap ${before.wasm_heap_bytes} → ${heaps[0]} after the 1st, +${growth} B over repeats 2–${REPEATS}`;
      expect(growth).toBeLessThan(REPEAT_HEAP_GROWTH_BOUND);
      expect((await diag()).open_sessions).toBe(before.open_sessions);
    },
  );

  it('GET /v1/models lists the good models and names the one whose config.json does not parse', async () => {
    const r = await fetch(`${w.url}/v1/models`);
    expect(r.status).toBe(200);
    const body = await r.json();
    const listed = body.models.map((m: { id: string }) => m.id);
    expect(listed).toEqual(Object.keys(FAULT_MODELS).filter((id) => id !== 'fault-bad-config'));
    expect(body.unavailable).toEqual(['fault-bad-config']);
    expect(body.limits.max_tokens).toBeGreaterThan(0);
    // A model whose config the listing read first answers next. The old listing answered 503 at the
    // first failure while the other reads were under way; the cached read of fault-batch's config,
    // begun by a request that had already answered, then never settled and this request hung.
    expect(
      (await post('/v1/attention', { model: 'fault-batch', text: 'read by the listing first' })).status,
    ).toBe(200);
  });

  it(`a graph that fails in ORT at batch ${FAILING_BATCH}: the batch runs again one input at a time, correct, nothing more opened, heap flat`, async () => {
    const id = 'fault-batch';
    // batch 1 runs: the model loads and answers attention
    expect((await post('/v1/attention', { model: id, text: 'one example at a time' })).status).toBe(200);
    // Requests whose gradient runs batch exactly FAILING_BATCH inputs (the differentiable graph is
    // batch-separable, int8 models' included: it runs dequantized): integrated gradients' 2 steps,
    // SmoothGrad's 2 noisy copies. Before the retry, each was a 500 internal_error.
    const batched = [
      { method: 'integrated_gradients', steps: FAILING_BATCH },
      { method: 'smoothgrad', samples: FAILING_BATCH },
    ];
    for (const c of batched) {
      const heaps: number[] = [];
      let sessions: number | undefined;
      let worst = 0;
      for (let i = 0; i < REPEATS; i++) {
        const text = `batched ${i} fails here`;
        const r = await post('/v1/saliency', { model: id, text, ...c });
        expect(r.status).toBe(200);
        const d = await diag();
        sessions ??= d.open_sessions;
        expect(d.open_sessions).toBe(sessions); // the model's sessions stay open, nothing more opens
        heaps.push(d.wasm_heap_bytes);
        // the good model has the same weights without the guard, and runs the batch whole
        const good = await post('/v1/saliency', { model: GOOD, text, ...c });
        expect(good.status).toBe(200);
        const [mine, theirs] = [(await r.json()).saliency[0].scores, (await good.json()).saliency[0].scores];
        expect(mine).toHaveLength(theirs.length);
        for (const [k, v] of mine.entries()) worst = Math.max(worst, Math.abs(v - theirs[k]));
      }
      expect(worst).toBeLessThan(1e-5); // float32 sums in another order: ≤ 5e-7 measured
      const growth = heaps[REPEATS - 1] - heaps[0];
      figures[`${id} ${c.method}`] =
        `max |Δscore| vs ${GOOD} ${worst.toExponential(1)}; heap ${heaps[0]} after the 1st, +${growth} B over repeats 2–${REPEATS}`;
      expect(growth).toBeLessThan(REPEAT_HEAP_GROWTH_BOUND);
    }
  });
});

describe('a client that disconnects mid-request', () => {
  // wrangler dev's local proxy does not pass a client's disconnect on to the worker's request.signal
  // (cloudflare/workers-sdk#6467): a queued call of a gone client still runs here, so
  // `queue.skipped_disconnected` cannot be shown to move in this test; what must hold everywhere is
  // asserted: the isolate keeps answering, the queue drains, nothing stays open.
  it('aborting a running and a queued call leaves the isolate answering, the queue empty, no session open', async () => {
    const before = await diag();
    expect(before.queue).toMatchObject({ waiting: 0, running: 0 });
    const leftLong = new AbortController();
    // a long call that holds the queue (the core yields between batches, so diagnostics answer)
    const long = post(
      '/v1/saliency',
      {
        model: GOOD,
        text: 'The jury said it did find that many of the old laws were never enforced. '.repeat(6),
        method: 'integrated_gradients',
        steps: 256,
      },
      leftLong.signal,
    );
    await until((d) => d.queue.running === 1, 'the long call running');
    const leftQueued = new AbortController();
    const queued = post(
      '/v1/attention',
      { model: GOOD, text: 'nobody reads this answer' },
      leftQueued.signal,
    );
    await until((d) => d.queue.waiting === 1, 'one call queued behind it');
    leftQueued.abort();
    leftLong.abort();
    await expect(queued).rejects.toThrow();
    await expect(long).rejects.toThrow();
    // a client that stays: it is answered once the abandoned work is out of the way
    const behind = post('/v1/attention', { model: GOOD, text: 'queued behind the ones that left' });
    expect((await fetch(`${w.url}/v1/models`)).status).toBe(200);
    expect((await behind).status).toBe(200);
    const after = await until((d) => d.queue.waiting === 0 && d.queue.running === 0, 'an empty queue');
    expect(after.open_sessions).toBe(before.open_sessions);
    figures['disconnect skipped_disconnected (wrangler dev)'] = String(after.queue.skipped_disconnected);
    await expectGoodAnswers();
  });
});
