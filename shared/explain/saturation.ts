/**
 * How saturated a target is: the probability mass its tokens leave to other outcomes. Near certainty
 * the gradient of a probability (p·(1 − p)) or log-probability (1 − p at its own logit) shrinks to
 * that mass and its float32 rounding, so attributions say little beyond "the model is sure".
 */
import type { TargetSpec } from './targets.js';

/**
 * A target counts as saturated when it leaves less than this mass to other outcomes: p > 1 − 1e-4
 * (log p > −1.00005e-4). There the gradient is ≤ 1e-4 per unit of logit and float32's 6e-8 steps near
 * 1 cost a probability target's 1 − p about 0.1%.
 */
export const SATURATION_THRESHOLD = 1e-4;

/**
 * `target_saturation`: 1 − p for one token; for a span, 1 − Π p (log-probability) or Σ (1 − p)
 * (probability), small only when every token is near certain. `target_saturated`: 1 when
 * `target_saturation` < SATURATION_THRESHOLD, else 0. Absent for logits and contrasts, which do not
 * saturate.
 */
export function targetSaturation(
  spec: Pick<TargetSpec, 'score' | 'tokens' | 'foils'>,
  value: number,
): { target_saturation: number; target_saturated: number } | undefined {
  if (spec.score === 'logit' || spec.foils?.length) return undefined;
  const rest = spec.score === 'log_probability' ? -Math.expm1(value) : spec.tokens.length - value;
  const saturation = Math.max(rest, 0);
  return { target_saturation: saturation, target_saturated: saturation < SATURATION_THRESHOLD ? 1 : 0 };
}
