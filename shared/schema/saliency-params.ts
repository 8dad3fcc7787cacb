/** Saliency parameters that belong to one method only: sending them with another is a caller's mistake. */
import type { SaliencyRequest } from './requests.js';

export const SALIENCY_PARAM_METHODS: Record<string, readonly SaliencyRequest['method'][]> = {
  steps: ['integrated_gradients'],
  baseline: ['integrated_gradients', 'occlusion'],
  samples: ['smoothgrad'],
  noise: ['smoothgrad'],
  seed: ['smoothgrad'],
};

/** Why the request's parameters do not fit its method, or undefined where they do. */
export function misplacedSaliencyParam(req: SaliencyRequest): string | undefined {
  for (const [field, methods] of Object.entries(SALIENCY_PARAM_METHODS)) {
    if (field in req && !methods.includes(req.method)) {
      return `${field} applies to ${methods.join(' and ')}, not ${req.method}`;
    }
  }
  return undefined;
}
