/**
 * The in-browser runner in real Chromium: the core runs the model in the page, on WASM and on WebGPU
 * (Chromium's software adapter), and draws the same attention the API computes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { diskReader, loadLocal } from '../node/host.js';
import { explainAttention } from '../shared/explain/attention/document.js';
import { ExplanationDocument } from '../shared/schema/document.js';
import { launchContext } from '../test/browser/chromium.js';

const api = inject('apiUrl');
let context: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  profile = mkdtempSync(join(tmpdir(), 'attn-runner-'));
  context = await launchContext(profile, { webgpu: true });
  page = await context.newPage();
  // The demo page's origin serves the runner, ORT's wasm and the model folders as static assets.
  await page.goto(`${api}/`);
});
afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function inBrowser(req: Record<string, unknown>) {
  // A string, so that vitest does not rewrite the page's dynamic import() into its own loader.
  return page.evaluate(
    `import('/widget/runner/attn-heatmap-runner.js').then((r) => r.explainInBrowser(${JSON.stringify(req)}))`,
  );
}

/** The int8 reference is the API itself; the fp32 one is onnxruntime-node on the same files. */
async function reference(
  precision: 'int8' | 'fp32',
  body: { model: string; text: string; target_text?: string },
) {
  if (precision === 'fp32') {
    const model = await loadLocal(body.model, diskReader(`dist/site/models/${body.model}`), 'fp32');
    return explainAttention(model, body.text, { target_text: body.target_text, encoding: 'f32' });
  }
  const res = await fetch(`${api}/v1/attention`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, encoding: 'f32' }),
  });
  return ExplanationDocument.parse(await res.json());
}

function maxAbsDiff(a: ExplanationDocument, b: ExplanationDocument): number {
  let max = 0;
  a.attention!.forEach((e, k) => {
    const x = (e.data as number[][][]).flat(2);
    const y = (b.attention![k].data as number[][][]).flat(2);
    expect(y.length).toBe(x.length);
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  });
  return max;
}

// WASM runs the int8 files the edge serves; WebGPU the fp32 ones (ORT's WebGPU backend has no integer
// MatMul, and int8 nodes falling back to the CPU would re-quantize GPU-rounded activations).
describe.each([
  ['wasm', 'int8', 1e-6],
  // GPU reductions sum in another order: up to 1.2e-4 measured on SwiftShader.
  ['auto', 'fp32', 5e-4],
] as const)('explainInBrowser, backend %s, %s', (backend, precision, tolerance) => {
  it.each([
    { model: 'tiny-bert', text: 'The cat sat on the mat.' },
    { model: 'tiny-gpt2', text: 'Once upon a time 🍕' },
    { model: 'tiny-marian', text: 'the red house', target_text: 'the house' },
    { model: 'brown-sentiment', text: 'It was a happy and peaceful day.' },
    { model: 'brown-gpt', text: 'The committee said that the' },
    {
      model: 'brown-seq2seq',
      text: 'summarize: The new , jacketed slug in Magnum corrected this .',
      target_text: 'new jacketed slug magnum corrected',
    },
  ])('$model: the same attention as the core on the server side', async ({ model, ...rest }) => {
    const doc = ExplanationDocument.parse(
      await inBrowser({ modelUrl: `/models/${model}/`, backend, precision, encoding: 'f32', ...rest }),
    );
    const ran = (doc.metrics as { backend: string }).backend;
    // Chromium's software adapter (SwiftShader) gives WebGPU here; JSPI is on by default in Chromium.
    expect(ran).toBe(backend === 'wasm' ? 'wasm' : 'webgpu');
    const ref = await reference(precision, { model, ...rest });
    expect(doc.input.tokens).toEqual(ref.input.tokens);
    // Encoder-decoder rows are the same on both sides: row i predicts output.tokens[i] (EOS last).
    expect(doc.output?.tokens).toEqual(ref.output?.tokens);
    const shape = (d: ExplanationDocument) =>
      d.attention!.map((e) => [e.kind, e.stack, e.layer, e.rows, e.cols]);
    expect(shape(doc)).toEqual(shape(ref));
    if (doc.output?.tokens) {
      const out = doc.output.tokens;
      expect(out.at(-1)?.special).toBe(true);
      expect(doc.attention!.find((e) => e.kind === 'cross')?.rows).toBe(out.length);
    }
    // Same weights to 1e-6 on WASM: the argmax alignment is the same links.
    if (backend === 'wasm') expect(doc.alignment).toEqual(ref.alignment);
    expect(maxAbsDiff(doc, ref)).toBeLessThan(tolerance);
  });
});

/** Adds an element to the page and waits for the document it draws (or its error). */
async function mount(attrs: Record<string, string>) {
  return page.evaluate(async (a) => {
    const el = document.createElement('attn-heatmap');
    for (const [k, v] of Object.entries(a)) el.setAttribute(k, v);
    const done = new Promise<{ doc?: unknown; notice?: string; error?: string }>((resolve) => {
      el.addEventListener('attn-load', (e) => {
        const { document: doc, notice } = (e as CustomEvent).detail;
        resolve({ doc, notice });
      });
      el.addEventListener('attn-error', (e) => resolve({ error: JSON.stringify((e as CustomEvent).detail) }));
    });
    document.body.append(el);
    const r = await done;
    // the view the element settled on, once its (lazily loaded) view has rendered the tokens
    const last = (a.text ?? '').split(' ').pop() ?? '';
    for (let i = 0; i < 50 && !el.shadowRoot?.textContent?.includes(last); i++) {
      await new Promise((ok) => setTimeout(ok, 100));
    }
    const shadow = el.shadowRoot?.textContent ?? '';
    return { ...r, view: el.getAttribute('view'), text: shadow };
  }, attrs);
}

describe('<attn-heatmap> sources beyond plain attention', () => {
  it('run="browser" draws attention computed in the page', async () => {
    const r = await mount({ run: 'browser', model: 'tiny-bert', text: 'the cat sat', backend: 'wasm' });
    expect(r.error).toBeUndefined();
    const doc = ExplanationDocument.parse(r.doc);
    expect((doc.metrics as { backend: string }).backend).toBe('wasm');
    expect(r.view).toBe('matrix');
  });

  it('run="browser" analyses="rollout flow" gives the rollout and flow entries the API gives', async () => {
    const attrs = { model: 'tiny-bert', text: 'the cat sat', analyses: 'rollout flow' };
    const r = await mount({ ...attrs, run: 'browser', backend: 'wasm' });
    expect(r.error).toBeUndefined();
    const doc = ExplanationDocument.parse(r.doc);
    const api = ExplanationDocument.parse(
      await fetch(`${inject('apiUrl')}/v1/attention`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...attrs, analyses: ['rollout', 'flow'], encoding: 'u8' }),
      }).then((x) => x.json()),
    );
    const derived = (d: ExplanationDocument) =>
      d.attention!.filter((e) => e.derived).map((e) => [e.derived, e.stack, e.layer, e.data]);
    expect(new Set(derived(doc).map(([a]) => a))).toEqual(new Set(['rollout', 'flow']));
    expect(derived(doc)).toEqual(derived(api));
  });

  it('run="browser" flow on 36 tokens: rollout kept, flow left out with the notice the API path gives', async () => {
    const text = 'word '.repeat(34).trim();
    const r = await mount({
      model: 'tiny-bert',
      text,
      analyses: 'rollout flow',
      run: 'browser',
      backend: 'wasm',
    });
    expect(r.error).toBeUndefined();
    const doc = ExplanationDocument.parse(r.doc);
    expect(doc.input.tokens.length).toBe(36);
    expect(r.notice).toBe(
      'Flow is limited to 32 tokens (this text has 36); showing attention and rollout without it.',
    );
    expect(r.text).toContain(r.notice);
    expect(new Set(doc.attention!.map((e) => e.derived ?? 'weights'))).toEqual(
      new Set(['weights', 'rollout']),
    );
    // The first page run (a cold WASM start on a loaded machine) has passed 60 s once; it asks twice.
  }, 150_000);

  it('explain="saliency" asks the API for integrated gradients and shows the saliency view', async () => {
    const r = await mount({ src: '/', model: 'tiny-bert', text: 'a wonderful film', explain: 'saliency' });
    expect(r.error).toBeUndefined();
    const doc = ExplanationDocument.parse(r.doc);
    expect(doc.saliency![0].method).toBe('integrated_gradients');
    expect(r.view).toBe('saliency');
    expect(r.text).toContain('film'); // the tiny vocabulary spells 'wonderful' letter by letter
  });

  it('run="browser" explain="saliency" computes gradients in the page', async () => {
    const r = await mount({
      run: 'browser',
      model: 'tiny-gpt2',
      text: 'once upon a time',
      explain: 'saliency',
      method: 'gradient_x_input',
      backend: 'wasm',
    });
    expect(r.error).toBeUndefined();
    const doc = ExplanationDocument.parse(r.doc);
    const s = doc.saliency![0];
    expect(s.method).toBe('gradient_x_input');
    const api = await fetch(`${inject('apiUrl')}/v1/saliency`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny-gpt2', text: 'once upon a time', method: 'gradient_x_input' }),
    }).then((x) => x.json());
    const ref = api.saliency[0].scores as number[];
    for (const [i, v] of s.scores.entries()) expect(v).toBeCloseTo(ref[i], 4);
  });

  it('run="browser" explain="probe" trains the probe in the page and draws its table', async () => {
    const r = await mount({
      run: 'browser',
      model: 'tiny-bert',
      explain: 'probe',
      layers: '0 2',
      backend: 'wasm',
      text: '',
    });
    expect(r.error).toBeUndefined();
    const doc = ExplanationDocument.parse(r.doc);
    expect((doc.probe as { layers: { layer: number }[] }).layers.map((l) => l.layer)).toEqual([0, 2]);
    expect(r.view).toBe('probe');
  });

  it('a missing runner is a clear in-widget error', async () => {
    const r = await mount({ run: 'browser', model: 'tiny-bert', text: 'x', runner: '/nowhere/runner.js' });
    expect(r.error).toContain('runner_unavailable');
  });
});

describe('probing in the page', () => {
  it('runs the built-in POS probe on brown-gpt in the browser, with the same numbers as the API', async () => {
    const doc = ExplanationDocument.parse(
      await inBrowser({
        modelUrl: '/models/brown-gpt/',
        explain: 'probe',
        layers: [0, 2],
        backend: 'wasm',
        precision: 'int8',
        text: '',
      }),
    );
    const mine = doc.probe as { layers: { layer: number; accuracy: number; control_accuracy: number }[] };
    const api = await fetch(`${inject('apiUrl')}/v1/probe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'brown-gpt', layers: [0, 2] }),
    }).then((r) => r.json());
    const strip = (ls: { layer: number; accuracy: number; control_accuracy: number }[]) =>
      ls.map(({ layer, accuracy, control_accuracy }) => ({ layer, accuracy, control_accuracy }));
    expect(strip(mine.layers)).toEqual(strip(api.probe.layers));
    for (const l of mine.layers) expect(l.control_accuracy).toBeLessThan(l.accuracy);
  });
});
