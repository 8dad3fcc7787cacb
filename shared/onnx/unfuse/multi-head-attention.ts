/**
 * com.microsoft.MultiHeadAttention: attention over separate query [B, S, D], key [B, T, D] and value
 * [B, T, Dv] (projections already applied), with an optional packed bias [D + D + Dv] added to them.
 * Inputs query, key, value, bias, key_padding_mask, attention_bias, past_key, past_value, …; outputs
 * output, present_key, present_value, qk. Supported: 3-D query/key/value, 2-D and 3-D
 * key_padding_mask, attention_bias, unidirectional, scale, mask_filter_value. Refused: packed QKV or
 * KV, keys in [B, N, T, h] layout, caches, the qk output.
 */
import { attrInt } from '../autodiff/attributes.js';
import { attentionCore } from './attention-core.js';
import type { Emitter } from './emitter.js';

export function multiHeadAttention(e: Emitter): void {
  const n = e.fused;
  const heads = attrInt(n, 'num_heads', 0);
  if (!heads) e.refuse('attribute "num_heads" is missing');
  let [q, k, v] = [e.input(0)!, e.input(1), e.input(2)];
  if (!k || !v) e.refuse('packed QKV or KV (input "key" or "value" absent)');
  for (let i = 6; i < (n.input ?? []).length; i++)
    if (e.input(i)) e.refuse(`input ${i} (past_key, past_value, past_sequence_length or cache_indirection)`);
  for (let i = 1; i < (n.output ?? []).length; i++)
    if (e.output(i)) e.refuse(`output ${i} (present_key, present_value or qk)`);
  for (const [t, name] of [
    [q, 'query'],
    [k, 'key'],
    [v, 'value'],
  ] as const) {
    const rank = e.shapes.rank(t);
    if (rank !== 3) e.refuse(`input "${name}" of rank ${rank ?? 'unknown'} (only [batch, sequence, hidden])`);
  }
  const d = e.shapes.shape(q)?.[2];
  const bias = e.input(3);
  if (bias) {
    const dv = e.shapes.shape(v)?.[2];
    if (typeof d !== 'number' || typeof dv !== 'number')
      e.refuse('input "bias" with query or value hidden sizes not known statically');
    const [bq, bk, bv] = e.split(
      bias,
      [d, d, dv],
      0,
      [0, 1, 2].map((i) => `${e.base}/bias_${i}`),
    );
    q = e.op('Add', [q, bq]);
    k = e.op('Add', [k, bk]);
    v = e.op('Add', [v, bv]);
  }
  const mask = e.input(4);
  attentionCore(e, {
    q,
    k,
    v,
    heads,
    qkHead: typeof d === 'number' ? d / heads : undefined,
    mask: mask ? { tensor: mask, name: 'key_padding_mask' } : undefined,
    attentionBias: e.input(5),
    out: e.output(0)!,
  });
}
