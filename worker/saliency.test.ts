/** POST /v1/saliency inside workerd: each method on each family, and bad input. */
import { describe, expect, inject, it } from 'vitest';
import { ExplanationDocument } from '../shared/schema/document.js';

const api = inject('apiUrl');

async function post(body: unknown) {
  const res = await fetch(`${api}/v1/saliency`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const METHODS = [
  'gradient',
  'gradient_x_input',
  'integrated_gradients',
  'smoothgrad',
  'occlusion',
  'attention_x_gradient',
] as const;
const CASES = [
  { model: 'tiny-bert', text: 'The movie was wonderful.' },
  { model: 'tiny-gpt2', text: 'Once upon a time there' },
  { model: 'tiny-marian', text: 'the red house', target_text: 'the house' },
];

describe.each(CASES)('POST /v1/saliency on $model', (c) => {
  it.each(METHODS)('%s: one score per input token', async (method) => {
    const { status, body } = await post({ ...c, method, ...(method === 'smoothgrad' ? { samples: 4 } : {}) });
    if (method === 'attention_x_gradient' && c.model === 'tiny-marian') {
      // self-attention relevance only: refused by name for encoder-decoder models
      expect([status, body.error.code]).toEqual([400, 'method_not_supported']);
      return;
    }
    expect(status, JSON.stringify(body)).toBe(200);
    const doc = ExplanationDocument.parse(body);
    const s = doc.saliency![0];
    expect(s.method).toBe(method);
    expect(s.scores).toHaveLength(doc.input.tokens.length);
    for (const v of s.scores) expect(Number.isFinite(v)).toBe(true);
    expect(s.scores.some((v) => v !== 0)).toBe(true);
  });

  it('integrated gradients at 64 steps are complete within 1%', async () => {
    const { body } = await post({ ...c, method: 'integrated_gradients', steps: 64 });
    const s = ExplanationDocument.parse(body).saliency![0];
    expect(s.checks!.completeness_error).toBeLessThan(0.01);
  });
});

describe('POST /v1/saliency targets', () => {
  it('explains a chosen label, and a contrast against a foil', async () => {
    const one = await post({
      model: 'tiny-bert',
      text: 'good film',
      method: 'gradient_x_input',
      target: { label: 'negative' },
    });
    expect(one.status).toBe(200);
    expect(one.body.saliency[0].target.label).toBe('negative');
    const contrast = await post({
      model: 'tiny-bert',
      text: 'good film',
      method: 'gradient_x_input',
      target: { label: 'positive', foil: 'negative', score: 'logit' },
    });
    expect(contrast.status).toBe(200);
    expect(contrast.body.saliency[0].target.foil).toBe('negative');
  });

  it("says in checks how saturated the target is: a classifier's probability, a near-certain next token", async () => {
    const cls = await post({ model: 'tiny-bert', text: 'good film', method: 'gradient' });
    expect(cls.status, JSON.stringify(cls.body)).toBe(200);
    const c = ExplanationDocument.parse(cls.body).saliency![0];
    expect(c.target.score).toBe('probability');
    expect(c.checks!.target_saturation).toBeCloseTo(1 - (c.target.value as number), 6);
    expect(c.checks!.target_saturated).toBe(c.checks!.target_saturation < 1e-4 ? 1 : 0);
    // brown-gpt's next token after this held-out sentence has log p ≈ −7e-5
    const lm = await post({
      model: 'brown-gpt',
      text: 'No, said he, but officials still called him "evasive".',
      method: 'gradient',
    });
    expect(lm.status, JSON.stringify(lm.body)).toBe(200);
    const l = ExplanationDocument.parse(lm.body).saliency![0];
    expect(l.checks!.target_saturation).toBeCloseTo(-Math.expm1(l.target.value as number), 9);
    expect(l.checks!.target_saturated).toBe(1);
    // a contrast of logits does not saturate: no such check
    const contrast = await post({
      model: 'tiny-bert',
      text: 'good film',
      method: 'gradient',
      target: { label: 'positive', foil: 'negative', score: 'logit' },
    });
    expect(Object.keys(contrast.body.saliency[0].checks ?? {})).not.toContain('target_saturated');
  });

  it('explains a chosen next token of a language model', async () => {
    const { status, body } = await post({
      model: 'tiny-gpt2',
      text: 'the cat',
      method: 'gradient',
      target: { token: ' and' },
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.saliency[0].target.token).toBe(' and');
  });
});

describe('POST /v1/saliency, bad input', () => {
  const cases: [string, unknown, number, string][] = [
    ['an unknown method', { model: 'tiny-bert', text: 'hi', method: 'magic' }, 400, 'invalid_request'],
    ['no method', { model: 'tiny-bert', text: 'hi' }, 400, 'invalid_request'],
    [
      'too many steps',
      { model: 'tiny-bert', text: 'hi', method: 'integrated_gradients', steps: 100000 },
      400,
      'invalid_request',
    ],
    [
      'steps for another method',
      { model: 'tiny-bert', text: 'hi', method: 'gradient', steps: 8 },
      400,
      'invalid_request',
    ],
    [
      'an unknown label',
      { model: 'tiny-bert', text: 'hi', method: 'gradient', target: { label: 'ecstatic' } },
      400,
      'invalid_target',
    ],
    [
      'a label for a language model',
      { model: 'tiny-gpt2', text: 'hi', method: 'gradient', target: { label: 'x' } },
      400,
      'invalid_target',
    ],
    [
      'a multi-token target token',
      { model: 'tiny-gpt2', text: 'hi', method: 'gradient', target: { token: 'internationalization' } },
      400,
      'invalid_target',
    ],
    [
      'target_text for an encoder',
      { model: 'tiny-bert', text: 'hi', method: 'gradient', target_text: 'x' },
      400,
      'target_not_supported',
    ],
    [
      'text over the saliency token limit',
      { model: 'tiny-bert', text: 'word '.repeat(300), method: 'gradient' },
      400,
      'too_many_tokens',
    ],
    ['empty text', { model: 'tiny-bert', text: '', method: 'gradient' }, 400, 'empty_text'],
    ['an unknown model', { model: 'nope', text: 'hi', method: 'gradient' }, 404, 'unknown_model'],
  ];
  it.each(cases)('%s', async (_, body, status, code) => {
    const res = await post(body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body.error.code).toBe(code);
  });
});

describe('POST /v1/saliency reliability metrics', () => {
  it('reports faithfulness, and agreement with the known rationale of brown-sentiment', async () => {
    const { status, body } = await post({
      model: 'brown-sentiment',
      text: 'It was a happy, beautiful and wonderful day in the old town.',
      method: 'integrated_gradients',
      steps: 64,
    });
    expect(status).toBe(200);
    const f = body.metrics.faithfulness;
    expect(f.fractions.length).toBe(f.deletion.length);
    // Integrated gradients on a trained model should beat random rankings at removing the evidence.
    expect(f.comprehensiveness).toBeGreaterThan(f.random_comprehensiveness);
    const r = body.metrics.rationale;
    expect(body.saliency[0].target.label).toBe('positive');
    expect(r.rationale).toEqual(['happy', 'beautiful', 'wonderful']);
    expect(r.precision).toBeGreaterThan(r.random_precision);
  });
});
