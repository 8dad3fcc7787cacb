/**
 * com.microsoft.RotaryEmbedding (RoPE): for each head, pairs (x₁, x₂) rotate by the position's angle,
 *   (x₁·cos − x₂·sin, x₂·cos + x₁·sin),
 * the pairs being the two halves of the head (interleaved = 0) or adjacent elements (interleaved = 1),
 * cos/sin read from the caches at position_ids. Inputs input ([B, S, N·h] or [B, N, S, h]),
 * position_ids [B, S], cos_cache, sin_cache [positions, h/2]. Refused: rotating only part of the head
 * (rotary_embedding_dim < h), packed batching, 1-D position_ids.
 */
import { attrInt } from '../autodiff/attributes.js';
import { tensorDims } from '../tensor-data.js';
import type { Emitter } from './emitter.js';

export function rotaryEmbedding(e: Emitter): void {
  const n = e.fused;
  const [x, pos, cosCache, sinCache] = [e.input(0)!, e.input(1), e.input(2), e.input(3)];
  if (!pos || !cosCache || !sinCache) e.refuse('inputs position_ids, cos_cache and sin_cache are required');
  if (attrInt(n, 'is_packed_batching', 0)) e.refuse('attribute "is_packed_batching" = 1');
  const cacheDims = e.constants.get(cosCache)
    ? tensorDims(e.constants.get(cosCache)!)
    : e.shapes.shape(cosCache);
  const half = cacheDims?.[1];
  if (typeof half !== 'number') e.refuse('the shape of "cos_cache" is not known');
  const head = 2 * half;
  const rotary = attrInt(n, 'rotary_embedding_dim', 0);
  if (rotary && rotary !== head)
    e.refuse(`rotary_embedding_dim = ${rotary} (only the whole head, ${head}, is supported)`);
  if (e.shapes.rank(pos) !== 2)
    e.refuse(`position_ids of rank ${e.shapes.rank(pos) ?? 'unknown'} (only [batch, sequence])`);
  const rank = e.shapes.rank(x);
  if (rank !== 3 && rank !== 4) e.refuse(`input of rank ${rank ?? 'unknown'} (3 or 4 expected)`);
  // Work on [B, S, N, h] (3-D input) or [B, N, S, h] (4-D); cos/sin [B, S, h/2] broadcast over the heads.
  const xh = rank === 3 ? e.op('Reshape', [x, e.constI([0, 0, -1, head])]) : x;
  const headAxis = rank === 3 ? 2 : 1;
  const cos = e.unsqueeze(e.op('Gather', [cosCache, pos], { axis: 0 }), [headAxis]);
  const sin = e.unsqueeze(e.op('Gather', [sinCache, pos], { axis: 0 }), [headAxis]);
  const rotate = (x1: string, x2: string) => [
    e.op('Sub', [e.op('Mul', [x1, cos]), e.op('Mul', [x2, sin])]),
    e.op('Add', [e.op('Mul', [x2, cos]), e.op('Mul', [x1, sin])]),
  ];
  let y: string;
  const last = (start: number, end: number, from: string, step = 1) =>
    e.op('Slice', [from, e.constI([start]), e.constI([end]), e.constI([-1]), e.constI([step])]);
  if (attrInt(n, 'interleaved', 0)) {
    // pairs (2i, 2i+1): rotate even and odd elements, then interleave them back.
    const [r1, r2] = rotate(last(0, head, xh, 2), last(1, head, xh, 2));
    const pairs = e.op('Concat', [e.unsqueeze(r1, [-1]), e.unsqueeze(r2, [-1])], { axis: -1 });
    y = e.op('Reshape', [pairs, e.constI([0, 0, 0, head])], {}, rank === 4 ? e.output(0) : undefined);
  } else {
    const [r1, r2] = rotate(last(0, half, xh), last(half, head, xh));
    y = e.op('Concat', [r1, r2], { axis: -1 }, rank === 4 ? e.output(0) : undefined);
  }
  if (rank === 3) e.op('Reshape', [y, e.constI([0, 0, -1])], {}, e.output(0));
}
