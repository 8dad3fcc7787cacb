/**
 * A near-certain target in a served model's document: brown-gpt predicts the token after held-out
 * sentence 3 with log p ≈ −7e-5. onnxruntime's float32 LogSoftmax put that at −6.88e-5 (2.4% off the
 * float64 value from the same logits, −7.05e-5); the appended target computes it as x − max −
 * log1p(Σ others). The document says the target is saturated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { diskReader, loadLocal, nodeSessionFactory } from '../../node/host.js';
import { forward } from '../runtime/forward.js';
import type { LoadedModel } from '../runtime/model.js';
import { explainSaliency } from './saliency/document.js';
import { createSaliencyContext, type SaliencyContext } from './saliency/index.js';
import { SATURATION_THRESHOLD } from './saturation.js';
import { type TargetSpec, targetFromLogits } from './targets.js';

const DIR = join(import.meta.dirname, '../../models/brown-gpt');
const text = JSON.parse(readFileSync(join(DIR, 'heldout.jsonl'), 'utf8').trim().split('\n')[3]).text;

describe('brown-gpt at a near-certain next token', () => {
  let model: LoadedModel;
  let ctx: SaliencyContext;
  let reference: number;
  beforeAll(async () => {
    const read = diskReader(DIR);
    model = await loadLocal('brown-gpt', read, 'fp32');
    ctx = await createSaliencyContext(model, read, nodeSessionFactory());
    const r = await forward(model, model.tokenizer.encode(text));
    const last = r.logits.dims[1] - 1;
    const row = (r.logits.data as Float32Array).subarray(
      last * r.logits.dims[2],
      (last + 1) * r.logits.dims[2],
    );
    let top = 0;
    for (let v = 1; v < row.length; v++) if (row[v] > row[top]) top = v;
    const spec: TargetSpec = { score: 'log_probability', tokens: [top], positions: [last] };
    // float64 arithmetic on the float32 logits (targetFromLogits sums in JS numbers)
    reference = targetFromLogits(r.logits.data as Float32Array, r.logits.dims, spec);
  }, 120_000);

  it('the reference is near certain (the case this file is about)', () => {
    expect(reference).toBeLessThan(0);
    expect(reference).toBeGreaterThan(-1e-4);
  });

  it.each([{ method: 'integrated_gradients', steps: 8 }, { method: 'gradient' }] as const)(
    '$method: target within 1e-3 of float64, flagged saturated',
    async (opts) => {
      const doc = await explainSaliency(model, ctx, text, opts);
      const s = doc.saliency![0];
      const value = s.target.value as number;
      expect(Math.abs(value - reference) / -reference, `${value} vs ${reference}`).toBeLessThan(1e-3);
      expect(s.checks!.target_saturation).toBeCloseTo(-Math.expm1(value), 12);
      expect(s.checks!.target_saturation).toBeLessThan(SATURATION_THRESHOLD);
      expect(s.checks!.target_saturated).toBe(1);
    },
  );
});
