/** Reliability metrics on POST /v1/saliency and /v1/attention inside workerd, and their limits. */
import { describe, expect, inject, it } from 'vitest';
import { ExplanationDocument } from '../shared/schema/document.js';

const api = inject('apiUrl');

async function post(route: string, body: unknown) {
  const res = await fetch(`${api}/v1/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const ALL = ['stability', 'significance', 'sanity', 'agreement'];

describe('metrics on request', () => {
  it('a saliency document carries the metrics asked for', async () => {
    const { status, body } = await post('saliency', {
      model: 'tiny-bert',
      text: 'The movie was a wonderful one.',
      method: 'gradient_x_input',
      metrics: ALL,
      perturbations: 3,
      metric_samples: 4,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    const m = ExplanationDocument.parse(body).metrics!;
    expect(m.stability!.requested).toBe(3);
    expect(m.stability!.perturbations.length).toBeGreaterThan(0);
    expect(m.significance!.gradient_x_input.p).toHaveLength(body.input.tokens.length);
    expect(m.sanity!.gradient_x_input.cascade.map((s) => s.randomized)).toEqual([
      'head',
      'layer 1',
      'layer 0',
    ]);
    expect(m.agreement!.pairs).toHaveLength(2);
  });

  it('none by default: the document is as it was', async () => {
    const { body } = await post('saliency', { model: 'tiny-bert', text: 'good film', method: 'gradient' });
    expect(Object.keys(body.metrics).sort()).toEqual(['faithfulness']);
  });

  it('an attention document carries per-head stability and the sanity of attention maps', async () => {
    const { status, body } = await post('attention', {
      model: 'tiny-gpt2',
      text: 'Once upon a time there was',
      encoding: 'u8',
      metrics: ['stability', 'sanity'],
      perturbations: 2,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    const m = ExplanationDocument.parse(body).metrics!;
    expect(m.stability!.heads!.length).toBe(body.model.layers * body.model.heads);
    expect(Object.keys(m.sanity!).sort()).toEqual(['last_layer_mean', 'rollout']);
  });
});

describe('metric limits, before model work', () => {
  it('refuses perturbations over limits.max_perturbations, naming it', async () => {
    const models = await (await fetch(`${api}/v1/models`)).json();
    const max = models.limits.max_perturbations;
    expect(max).toBe(16);
    const { status, body } = await post('saliency', {
      model: 'tiny-bert',
      text: 'good film',
      method: 'gradient',
      metrics: ['stability'],
      perturbations: max + 1,
    });
    expect([status, body.error.code]).toEqual([400, 'invalid_request']);
    expect(body.error.message).toContain('limits.max_perturbations');
  });

  it('refuses a metric size without its metric, and attention-map metrics on encoder-decoder attention', async () => {
    const a = await post('attention', { model: 'tiny-bert', text: 'good film', metric_samples: 4 });
    expect([a.status, a.body.error.code]).toEqual([400, 'invalid_request']);
    const b = await post('attention', { model: 'tiny-marian', text: 'the red house', metrics: ['sanity'] });
    expect([b.status, b.body.error.code]).toEqual([400, 'method_not_supported']);
  });

  it('counts the metrics in the work estimate: a request fine alone is refused with them', async () => {
    const text = Array.from(
      { length: 6 },
      () => 'the old house stood quietly near the river and the hills',
    ).join(' ');
    const req = { model: 'brown-sentiment', text, method: 'integrated_gradients', steps: 32 };
    const alone = await post('saliency', req);
    expect(alone.status, JSON.stringify(alone.body)).toBe(200);
    const more = await post('saliency', {
      ...req,
      metrics: ['stability', 'significance'],
      perturbations: 16,
      metric_samples: 32,
    });
    expect([more.status, more.body.error.code]).toEqual([400, 'work_too_large']);
    expect(more.body.error.message).toContain('metrics');
  });
});
