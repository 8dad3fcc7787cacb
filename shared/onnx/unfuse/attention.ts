/**
 * com.microsoft.Attention: self-attention with packed projections,
 *   Q|K|V = input·weights + bias (split by qkv_hidden_sizes, or in three equal parts),
 *   output = softmax(scale·Q·Kᵀ + mask + attention_bias)·V, heads merged.
 * Inputs input, weights, bias, mask_index, past, attention_bias, past_sequence_length; outputs output,
 * present. Supported: 2-D and 3-D mask_index, attention_bias, unidirectional, scale, mask_filter_value.
 * Refused: past/present (a decoder's cache), 1-D and 4-D mask_index, do_rotary.
 */
import { attrInt, attrInts } from '../autodiff/attributes.js';
import { tensorDims } from '../tensor-data.js';
import { attentionCore } from './attention-core.js';
import type { Emitter } from './emitter.js';

export function attention(e: Emitter): void {
  const n = e.fused;
  const heads = attrInt(n, 'num_heads', 0);
  if (!heads) e.refuse('attribute "num_heads" is missing');
  if (attrInt(n, 'do_rotary', 0)) e.refuse('attribute "do_rotary" = 1 (rotary embedding inside the op)');
  if (e.input(4) || e.input(6) || e.output(1))
    e.refuse('input "past" / output "present" (a key/value cache)');
  const [x, w] = [e.input(0)!, e.input(1)];
  if (!w) e.refuse('input "weights" is required');
  let sizes = attrInts(n, 'qkv_hidden_sizes');
  if (!sizes || sizes.length === 0) {
    const dims = e.constants.get(w) ? tensorDims(e.constants.get(w)!) : e.shapes.shape(w);
    const cols = dims?.[1];
    if (typeof cols !== 'number') e.refuse('the shape of "weights" is not known (give qkv_hidden_sizes)');
    sizes = [cols / 3, cols / 3, cols / 3];
  }
  if (sizes.length !== 3 || sizes.some((s) => s % heads !== 0))
    e.refuse(`qkv_hidden_sizes ${JSON.stringify(sizes)} do not split into ${heads} heads`);
  const bias = e.input(2);
  const mm = e.op('MatMul', [x, w]);
  const qkv = bias ? e.op('Add', [mm, bias]) : mm;
  const [q, k, v] = e.split(
    qkv,
    sizes,
    -1,
    [0, 1, 2].map((i) => `${e.base}/qkv_${i}`),
  );
  const mask = e.input(3);
  attentionCore(e, {
    q,
    k,
    v,
    heads,
    qkHead: sizes[0] / heads,
    mask: mask ? { tensor: mask, name: 'mask_index' } : undefined,
    attentionBias: e.input(5),
    out: e.output(0)!,
  });
}
