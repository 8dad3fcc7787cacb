/**
 * Integrated gradients (Sundararajan et al. 2017): attribution = (x − x′) ⊙ ∫₀¹ ∇f(x′ + α(x − x′)) dα,
 * the integral taken by quadrature (trapezoid or Gauss-Legendre) with all steps batched along the
 * batch axis, in chunks that fit the memory budget. Completeness says the attributions sum to
 * f(x) − f(x′); the relative gap is reported as `completeness_error`, a check of the quadrature (and
 * of the gradients themselves).
 */
import { kindOf } from '../targets.js';
import { type Baseline, baselineInput } from './baselines.js';
import { batchedForward, batchedGradients, perToken, sum } from './batching.js';
import { type Quadrature, quadrature } from './quadrature.js';
import type { SaliencyMethod } from './types.js';

export interface IntegratedGradientsParams {
  steps: number;
  baseline: Baseline;
  method: Quadrature;
}

export const integratedGradients: SaliencyMethod<IntegratedGradientsParams> = {
  name: 'integrated_gradients',
  needsGradient: true,
  signed: true,
  defaults: { steps: 32, baseline: 'zero', method: 'gauss_legendre' },
  async attribute(ctx, input, target, p = {}) {
    const params = { ...this.defaults, ...p };
    const program = ctx.program(kindOf(target));
    const x = ctx.embed(input.ids);
    const base = baselineInput(ctx, input.ids.length, params.baseline);
    const diff = x.map((v, i) => v - base[i]);
    const { alphas, weights } = quadrature(params.method, params.steps);
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
    return {
      scores: perToken(raw, input.ids.length, ctx.embedding.hidden, sum),
      raw,
      target: ends[0],
      checks: {
        completeness_error: Math.abs(total - delta) / Math.max(Math.abs(delta), 1e-12),
        baseline_target: ends[1],
        attribution_sum: total,
      },
      params,
    };
  },
};
