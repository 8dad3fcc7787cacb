/**
 * Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers"): each
 * layer's head-averaged attention is mixed with the identity for the residual connection,
 * Â = ½A + ½I, rows renormalised, and the layers are multiplied from the bottom up:
 * R_l = Â_l · R_{l−1}. R_l[i][j] is how much input token j contributes to token i after layer l.
 */
import { identity, type Matrix, matmul, normalizeRows } from './matrix.js';

/** Â = ½A + ½I, rows renormalised. */
export function residualAdjusted(a: Matrix): Matrix {
  const out = normalizeRows(a);
  for (let i = 0; i < out.data.length; i++) out.data[i] *= 0.5;
  for (let i = 0; i < a.rows; i++) out.data[i * a.cols + i] += 0.5;
  return normalizeRows(out);
}

/** Rollout after each layer, given each layer's (head-aggregated) self-attention, bottom first. */
export function attentionRollout(layers: Matrix[]): Matrix[] {
  const out: Matrix[] = [];
  let r = identity(layers[0].rows);
  for (const a of layers) {
    if (a.rows !== a.cols) throw new Error('rollout needs square self-attention matrices');
    r = matmul(residualAdjusted(a), r);
    out.push(r);
  }
  return out;
}
