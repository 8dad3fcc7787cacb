/**
 * com.microsoft.MatMulNBits: Y = A·Wᵀ (+ bias) with W [N, K] stored in blocks of `block_size` along
 * K, `bits` per value (low bits first), W[n, k] = (q − zero_point)·scale per (n, block); the default
 * zero point is 2^(bits−1). Constant weights (the exports' case) are dequantized here, once, into a
 * float initializer [K, N] and the op becomes MatMul (+ Add): the float graph every analysis and the
 * gradient rules know. Refused: weights computed at run time, g_idx (act-order), float16 scales.
 */
import { attrInt } from '../autodiff/attributes.js';
import { tensorF32 } from '../builder.js';
import { DataType, type TensorProto } from '../proto.js';
import { readFloat32 } from '../tensor-data.js';
import type { Emitter } from './emitter.js';

function bytesOf(e: Emitter, t: TensorProto, what: string): Uint8Array {
  if (t.dataType !== DataType.UINT8) e.refuse(`${what} of data type ${t.dataType} (uint8 expected)`);
  if (t.dataLocation === 1 || !t.rawData) e.refuse(`${what} stored as external data or without raw bytes`);
  return t.rawData;
}

/** Value `j` of `bits` bits from a little-endian bit stream. */
const unpack = (bytes: Uint8Array, offset: number, j: number, bits: number) => {
  const bit = j * bits;
  return (bytes[offset + (bit >> 3)] >> (bit & 7)) & ((1 << bits) - 1);
};

export function dequantizeNBits(
  e: Emitter,
  b: TensorProto,
  scalesT: TensorProto,
  zpT: TensorProto | undefined,
): Float32Array {
  const n = e.fused;
  const [K, N] = [attrInt(n, 'K', 0), attrInt(n, 'N', 0)];
  const bits = attrInt(n, 'bits', 4);
  const block = attrInt(n, 'block_size', 0);
  if (!K || !N || !block) e.refuse('attributes K, N and block_size are required');
  if (![2, 4, 8].includes(bits)) e.refuse(`attribute bits = ${bits} (2, 4 and 8 are supported)`);
  if (scalesT.dataType !== DataType.FLOAT)
    e.refuse(`scales of data type ${scalesT.dataType} (float expected)`);
  const q = bytesOf(e, b, 'input "B"');
  const scales = readFloat32(scalesT);
  const blocks = Math.ceil(K / block);
  const blob = (block * bits) / 8;
  if (q.length !== N * blocks * blob || scales.length !== N * blocks)
    e.refuse(`input sizes do not match K = ${K}, N = ${N}, block_size = ${block}, bits = ${bits}`);
  // Zero points: packed uint8 (ceil(blocks·bits/8) bytes per row) or float, one per (n, block).
  let zp: (row: number, blk: number) => number = () => 2 ** (bits - 1);
  if (zpT?.dataType === DataType.FLOAT) {
    const z = readFloat32(zpT);
    zp = (row, blk) => z[row * blocks + blk];
  } else if (zpT) {
    const z = bytesOf(e, zpT, 'input "zero_points"');
    const perRow = Math.ceil((blocks * bits) / 8);
    zp = (row, blk) => unpack(z, row * perRow, blk, bits);
  }
  const w = new Float32Array(K * N); // [K, N], what MatMul takes
  for (let row = 0; row < N; row++) {
    for (let blk = 0; blk < blocks; blk++) {
      const s = scales[row * blocks + blk];
      const z = zp(row, blk);
      const offset = (row * blocks + blk) * blob;
      for (let j = 0; j < block && blk * block + j < K; j++)
        w[(blk * block + j) * N + row] = (unpack(q, offset, j, bits) - z) * s;
    }
  }
  return w;
}

export function matMulNBits(e: Emitter): void {
  const n = e.fused;
  if (e.input(4)) e.refuse('input "g_idx" (act-order quantization)');
  const [b, scales] = [e.constants.get(e.input(1) ?? ''), e.constants.get(e.input(2) ?? '')];
  if (!b || !scales) e.refuse('inputs "B" and "scales" must be initializers (constant weights)');
  const zpName = e.input(3);
  const zp = zpName ? e.constants.get(zpName) : undefined;
  if (zpName && !zp) e.refuse('input "zero_points" must be an initializer');
  const w = dequantizeNBits(e, b, scales, zp);
  const weight = e.addInitializer(
    tensorF32(`${b.name}/dequantized`, [attrInt(n, 'K', 0), attrInt(n, 'N', 0)], w),
  );
  const bias = e.input(5);
  const y = e.op('MatMul', [e.input(0)!, weight], {}, bias ? undefined : e.output(0));
  if (bias) e.op('Add', [y, bias], {}, e.output(0));
}
