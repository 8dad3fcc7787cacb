/**
 * Integrated gradients (Sundararajan et al. 2017): attribution = (x − x′) ⊙ ∫₀¹ ∇f(x′ + α(x − x′)) dα,
 * the integral taken by quadrature (trapezoid or Gauss-Legendre) with all steps batched along the
 * batch axis, in chunks that fit the memory budget. Completeness says the attributions sum to
 * f(x) − f(x′); the relative gap is reported as `completeness_error`, a check of the quadrature (and
 * of the gradients themselves).
 *
 * int8 models: the gradients are those of the dequantized surrogate (float MatMuls with the
 * dequantized weights; ./program.ts), so the attributions sum to the surrogate's difference:
 * `completeness_error` is measured against it (the quadrature's error), `completeness_error_int8`
 * against the int8 model (adding quantization noise), and `quantization_gap` is
 * |Δf_int8 − Δf_surrogate| / |Δf_int8|.
 */
import { SALIENCY_DEFAULTS } from '../../schema/defaults.js';
import { kindOf } from '../targets.js';
import { type Baseline, baselineInput } from './baselines.js';
import { batchedForward, batchedGradients, perToken, sum } from './batching.js';
import { type Quadrature, quadrature } from './quadrature.js';
import type { SaliencyMethod } from './types.js';

export interface IntegratedGradientsParams {
  steps: number;
  baseline: Baseline;
  quadrature: Quadrature;
}

export const integratedGradients: SaliencyMethod<IntegratedGradientsParams> = {
  name: 'integrated_gradients',
  needsGradient: true,
  signed: true,
  defaults: { ...SALIENCY_DEFAULTS.integrated_gradients },
  async attribute(ctx, input, target, p = {}) {
    const params = { ...this.defaults, ...p };
    const program = ctx.program(kindOf(target));
    const x = ctx.embed(input.ids);
    const base = baselineInput(ctx, input.ids.length, params.baseline);
    const diff = x.map((v, i) => v - base[i]);
    const { alphas, weights } = quadrature(params.quadrature, params.steps);
    const avg = new Float64Array(x.length);
    await batchedGradients(
      ctx,
      program,
      input,
      target,
      { count: alphas.length, make: (k, out) => out.set(base.map((b, i) => b + alphas[k] * diff[i])) },
      (k, grad) => {
        for (let i = 0; i < avg.length; i++) avg[i] += weights[k] * grad[i];
      },
    );
    const raw = Float32Array.from(avg, (g, i) => g * diff[i]);
    const ends = await batchedForward(ctx, program, input, target, {
      count: 2,
      make: (k, out) => out.set(k === 0 ? x : base),
    });
    const delta = ends[0] - ends[1];
    const total = sum(raw);
    const completeness = (d: number) => Math.abs(total - d) / Math.max(Math.abs(d), 1e-12);
    const checks: Record<string, number> = {
      completeness_error: completeness(delta),
      baseline_target: ends[1],
      attribution_sum: total,
    };
    if (program.surrogate) {
      // int8: the gradients are the dequantized surrogate's; completeness holds for it, and the int8
      // model differs from it by the quantization gap.
      const [sx, sb] = await program.surrogate(Float32Array.from([...x, ...base]), 2, input, target);
      checks.completeness_error = completeness(sx - sb);
      checks.completeness_error_int8 = completeness(delta);
      checks.quantization_gap = Math.abs(delta - (sx - sb)) / Math.max(Math.abs(delta), 1e-12);
    }
    return {
      scores: perToken(raw, input.ids.length, ctx.embedding.hidden, sum),
      raw,
      target: ends[0],
      checks,
      params,
    };
  },
};
