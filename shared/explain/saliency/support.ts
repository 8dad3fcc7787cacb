/** The saliency methods a model family supports, from each method's own `families` (GET /v1/models lists them). */
import type { ModelFamily } from '../../schema/document.js';
import { saliencyMethods } from './index.js';

export function saliencyMethodsFor(family: ModelFamily): string[] {
  return Object.values(saliencyMethods)
    .filter((m) => !m.families || m.families.includes(family))
    .map((m) => m.name);
}
