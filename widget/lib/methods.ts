/**
 * Saliency methods for the switcher: readable names and one stable id per entry. Apart from the
 * scale helpers (saliency.ts), because the base bundle needs these and not those.
 */
import type { SaliencyEntry } from './types.js';

const NAMES: Record<string, string> = {
  gradient: 'Gradient (L2 norm)',
  gradient_x_input: 'Gradient × input',
  integrated_gradients: 'Integrated gradients',
  smoothgrad: 'SmoothGrad',
  occlusion: 'Occlusion',
  leave_one_out: 'Leave one out',
  attention_x_gradient: 'Attention × gradient',
};

export const methodName = (m: string): string => NAMES[m] ?? m.replace(/_/g, ' ');

/**
 * One id per entry for the `method` attribute: the method name, with "@2", "@3"… for a method that
 * appears again (e.g. for another target), so every entry stays addressable from a URL.
 */
export function methodIds(entries: readonly SaliencyEntry[]): string[] {
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const k = (seen.get(e.method) ?? 0) + 1;
    seen.set(e.method, k);
    return k === 1 ? e.method : `${e.method}@${k}`;
  });
}
