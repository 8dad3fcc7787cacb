/**
 * The size of an attention response, known from the request and the token counts alone, so that a
 * response over `max_response_bytes` is refused before any model work (u8 as well as f32).
 */
import type { ModelMeta } from '../shared/runtime/model.js';
import { LIMITS, RESPONSE_BYTES_PER_WEIGHT } from '../shared/schema/limits.js';
import type { AttentionRequest } from '../shared/schema/requests.js';
import { ApiError } from './errors.js';

/** Weights in every entry the response would hold: selected layers × heads × rows × cols, analyses too. */
export function attentionWeights(meta: ModelMeta, req: AttentionRequest, n: number, rows: number): number {
  const { family, layers, heads, encoderLayers, encoderHeads } = meta.shape;
  const picked = (count: number) => (req.layers ? req.layers.filter((l) => l < count).length : count);
  const headsOf = (count: number) => (req.aggregate !== 'none' ? 1 : (req.heads?.length ?? count));
  const analyses = req.analyses?.length ?? 0;
  // Each analysis adds one matrix per selected layer of each self-attention stack.
  const stack = (count: number, h: number, selfRows: number, extraCols: number) =>
    picked(count) * (h * selfRows * (selfRows + extraCols) + analyses * selfRows * selfRows);
  if (family !== 'encoder-decoder') return stack(layers, headsOf(heads), n, 0);
  return (
    stack(encoderLayers ?? layers, headsOf(encoderHeads ?? heads), n, 0) +
    // decoder self (rows × rows) and cross (rows × n) per layer; analyses only on the self part
    stack(layers, headsOf(heads), rows, n)
  );
}

export function checkResponseSize(meta: ModelMeta, req: AttentionRequest, n: number, rows: number): void {
  const weights = attentionWeights(meta, req, n, rows);
  const bytes = Math.ceil(weights * RESPONSE_BYTES_PER_WEIGHT[req.encoding]);
  if (bytes > LIMITS.max_response_bytes) {
    throw new ApiError(
      'response_too_large',
      `the response would hold ${weights} attention weights, about ${bytes} bytes in ${req.encoding}, ` +
        `over the limit of ${LIMITS.max_response_bytes}; ask for fewer layers or heads` +
        (req.encoding === 'f32' ? ', or encoding u8' : ''),
    );
  }
}
