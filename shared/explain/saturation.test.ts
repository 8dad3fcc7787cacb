/** The saturation check beside a saliency target. */
import { describe, expect, it } from 'vitest';
import { SATURATION_THRESHOLD, targetSaturation } from './saturation.js';

describe('targetSaturation', () => {
  it("flags a classifier's probability above 1 − 1e-4, not below", () => {
    const one = { score: 'probability' as const, tokens: [1] };
    expect(targetSaturation(one, 0.99995)).toEqual({
      target_saturation: expect.closeTo(5e-5, 12),
      target_saturated: 1,
    });
    expect(targetSaturation(one, 0.9998)?.target_saturated).toBe(0);
    expect(targetSaturation(one, 0.6)).toEqual({
      target_saturation: expect.closeTo(0.4, 12),
      target_saturated: 0,
    });
  });

  it('flags a log-probability above log(1 − 1e-4), with 1 − p from expm1', () => {
    const lp = { score: 'log_probability' as const, tokens: [5] };
    const s = targetSaturation(lp, -7.05e-5)!;
    expect(s.target_saturation).toBeCloseTo(7.05e-5 - 7.05e-5 ** 2 / 2 + 7.05e-5 ** 3 / 6, 15);
    expect(s.target_saturated).toBe(1);
    expect(targetSaturation(lp, Math.log1p(-2 * SATURATION_THRESHOLD))?.target_saturated).toBe(0);
  });

  it('a span is saturated only when all its tokens are', () => {
    // log p: 1 − Π p; one token at p = 0.5 leaves half the mass
    const span = { score: 'log_probability' as const, tokens: [1, 2] };
    expect(targetSaturation(span, Math.log(0.5) + -1e-6)?.target_saturated).toBe(0);
    expect(targetSaturation(span, -2e-5)?.target_saturated).toBe(1);
    const probs = { score: 'probability' as const, tokens: [1, 2] };
    expect(targetSaturation(probs, 1.99998)?.target_saturated).toBe(1);
    expect(targetSaturation(probs, 1.5)?.target_saturated).toBe(0);
  });

  it('says nothing of logits and contrasts', () => {
    expect(targetSaturation({ score: 'logit', tokens: [1] }, 30)).toBeUndefined();
    expect(targetSaturation({ score: 'log_probability', tokens: [1], foils: [2] }, 12)).toBeUndefined();
  });
});
