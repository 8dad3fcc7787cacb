/** POST /v1/probe inside workerd: the built-in POS task on a trained model, caller examples, bad input. */
import { describe, expect, inject, it } from 'vitest';
import { ExplanationDocument } from '../shared/schema/document.js';

const api = inject('apiUrl');

async function post(body: unknown) {
  const res = await fetch(`${api}/v1/probe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json(), cache: res.headers.get('x-cache') };
}

interface Layer {
  layer: number;
  accuracy: number;
  ci: [number, number];
  control_accuracy: number;
  selectivity: number;
}

describe('POST /v1/probe', () => {
  it('runs the built-in POS task per layer with control task and baseline, deterministically', async () => {
    const req = { model: 'brown-gpt', layers: [0, 3], seed: 7 };
    const first = await post(req);
    expect(first.status, JSON.stringify(first.body).slice(0, 300)).toBe(200);
    const doc = ExplanationDocument.parse(first.body);
    const layers = (doc.probe as { layers: Layer[] }).layers;
    expect(layers.map((l) => l.layer)).toEqual([0, 3]);
    for (const l of layers) {
      expect(l.control_accuracy).toBeLessThan(l.accuracy);
      expect(l.selectivity).toBeCloseTo(l.accuracy - l.control_accuracy, 10);
      expect(l.ci[0]).toBeLessThanOrEqual(l.accuracy);
      expect(l.ci[1]).toBeGreaterThanOrEqual(l.accuracy);
    }
    expect((doc.probe as { baseline: { accuracy: number } }).baseline.accuracy).toBeGreaterThan(0.5);
    // Same seed, same numbers (a cache hit returns them verbatim; a miss recomputes them).
    const again = await post(req);
    const numbers = (ls: (Layer & { train_ms?: number })[]) => ls.map(({ train_ms: _, ...rest }) => rest);
    expect(numbers(again.body.probe.layers)).toEqual(numbers(first.body.probe.layers));
  });

  it('task pos_fine probes the fine Brown tags', async () => {
    const { status, body } = await post({ model: 'brown-gpt', task: 'pos_fine', layers: [2] });
    expect(status, JSON.stringify(body).slice(0, 300)).toBe(200);
    expect(body.probe.labels.length).toBeGreaterThan(12); // the universal tagset has 12
    expect(body.probe.labels.map((l: string) => l.toLowerCase())).toContain('nns');
  });

  it('trains on caller examples', async () => {
    const examples = Array.from({ length: 12 }, (_, i) => ({
      text: i % 2 ? 'the cat sat' : 'a dog ran',
      labels: ['DET', 'NOUN', 'VERB'],
    }));
    const { status, body } = await post({ model: 'tiny-bert', examples, layer: 1 });
    expect(status, JSON.stringify(body).slice(0, 300)).toBe(200);
    expect(body.probe.layers).toHaveLength(1);
  });

  const bad: [string, unknown, number, string][] = [
    ['empty examples', { model: 'tiny-bert', examples: [] }, 400, 'invalid_request'],
    [
      'labels that do not match the words',
      { model: 'tiny-bert', examples: Array(5).fill({ text: 'the cat sat', labels: ['DET', 'NOUN'] }) },
      400,
      'labels_mismatch',
    ],
    [
      'a thousand labels',
      { model: 'tiny-bert', examples: [{ text: 'a '.repeat(1000).trim(), labels: Array(1000).fill('X') }] },
      400,
      'example_too_long',
    ],
    [
      'an unknown layer',
      { model: 'tiny-bert', examples: Array(5).fill({ text: 'a b', labels: ['X', 'Y'] }), layer: 9 },
      400,
      'unknown_layer',
    ],
    [
      'examples with a built-in task',
      { model: 'tiny-bert', task: 'pos', examples: [{ text: 'a', labels: ['X'] }] },
      400,
      'invalid_request',
    ],
    ['an unknown model', { model: 'nope' }, 404, 'unknown_model'],
  ];
  it.each(bad)('%s → %s %s', async (_, body, status, code) => {
    const res = await post(body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
  });
});
