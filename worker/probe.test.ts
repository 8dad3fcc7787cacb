/** POST /v1/probe inside workerd: the built-in POS task on a trained model, caller examples, bad input. */
import { describe, expect, inject, it } from 'vitest';
import { createClient, type ProbeParams, type Result } from '../client/index.js';
import { ExplanationDocument } from '../shared/schema/document.js';

// the typed client, without retries: a 503 here is a failure to see
const api = createClient(inject('apiUrl'), { retries: 0 });

/** The document of a successful call; a failed one fails the test with the API's error. */
function doc(r: Result<ExplanationDocument>): ExplanationDocument {
  expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(true);
  return ExplanationDocument.parse((r as { value: unknown }).value);
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
    const first = doc(await api.probe(req));
    const layers = (first.probe as { layers: Layer[] }).layers;
    expect(layers.map((l) => l.layer)).toEqual([0, 3]);
    for (const l of layers) {
      expect(l.control_accuracy).toBeLessThan(l.accuracy);
      expect(l.selectivity).toBeCloseTo(l.accuracy - l.control_accuracy, 10);
      expect(l.ci[0]).toBeLessThanOrEqual(l.accuracy);
      expect(l.ci[1]).toBeGreaterThanOrEqual(l.accuracy);
    }
    expect((first.probe as { baseline: { accuracy: number } }).baseline.accuracy).toBeGreaterThan(0.5);
    // Same seed, same numbers (a cache hit returns them verbatim; a miss recomputes them).
    const again = doc(await api.probe(req));
    const numbers = (d: ExplanationDocument) =>
      (d.probe as { layers: (Layer & { train_ms?: number })[] }).layers.map(
        ({ train_ms: _, ...rest }) => rest,
      );
    expect(numbers(again)).toEqual(numbers(first));
  });

  it('task pos_fine probes the fine Brown tags', async () => {
    const { labels } = doc(await api.probe({ model: 'brown-gpt', task: 'pos_fine', layers: [2] })).probe as {
      labels: string[];
    };
    expect(labels.length).toBeGreaterThan(12); // the universal tagset has 12
    expect(labels.map((l) => l.toLowerCase())).toContain('nns');
  });

  it('trains on caller examples', async () => {
    const examples = Array.from({ length: 12 }, (_, i) => ({
      text: i % 2 ? 'the cat sat' : 'a dog ran',
      labels: ['DET', 'NOUN', 'VERB'],
    }));
    const { probe } = doc(await api.probe({ model: 'tiny-bert', examples, layer: 1 }));
    expect((probe as { layers: unknown[] }).layers).toHaveLength(1);
  });

  const bad: [string, ProbeParams, number, string][] = [
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
    expect(await api.probe(body)).toMatchObject({ ok: false, error: { status, code } });
  });
});
