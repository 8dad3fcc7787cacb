/**
 * Which token labels an axis of the canvas matrix draws at a zoom level: every token when cells are
 * tall enough for the text, else every step-th token with step a power of two, so labels never
 * overlap, thin out as one zooms out and come back at the same indices as one zooms in (no jitter
 * while panning).
 */

/** Label font size in CSS pixels, and the least distance between the centres of two labels. */
export const LABEL_FONT = 10;
export const LABEL_GAP = LABEL_FONT + 3;

/** The smallest power-of-two step whose labels are at least LABEL_GAP pixels apart at `size`. */
export function labelStep(size: number): number {
  let step = 1;
  while (step * size < LABEL_GAP && step < 1 << 20) step *= 2;
  return step;
}

/** Indices in [i0, i1) that get a label: the multiples of labelStep(size). */
export function labelIndices(i0: number, i1: number, size: number): number[] {
  const step = labelStep(size);
  const out: number[] = [];
  for (let i = Math.ceil(i0 / step) * step; i < i1; i += step) out.push(i);
  return out;
}
