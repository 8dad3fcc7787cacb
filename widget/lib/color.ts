/**
 * The sequential colour scale. Colours themselves are mixed in CSS (color-mix between the two
 * themable endpoint properties), so here we only map a weight to a position on the scale and
 * format numbers; page authors restyle the scale without touching script.
 */

/** The scale's upper end: `fixed` when given (e.g. 1), else the largest value shown (at least a tiny epsilon). */
export function scaleMax(values: ArrayLike<number>, fixed?: number): number {
  if (fixed !== undefined && fixed > 0) return fixed;
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max > 0 ? max : 1;
}

/** Position of v on [0, max], clamped to [0, 1]. */
export function scaleT(v: number, max: number): number {
  const t = v / max;
  return t > 0 ? Math.min(t, 1) : 0; // also maps NaN to 0
}

/** The percentage color-mix() takes for the high endpoint; one decimal is finer than the eye can tell. */
export function mixPercent(t: number): string {
  return `${Math.round(t * 1000) / 10}%`;
}

/** A weight for people and screen readers: up to three decimals, no trailing zeros ("0.42", "0.004", "1"). */
export function formatWeight(v: number): string {
  return String(Number(v.toFixed(3)));
}

/** Legend ticks: 0, the middle and the max of the scale. */
export function legendTicks(max: number): number[] {
  return [0, max / 2, max];
}
