/**
 * Word alignment read from cross-attention: each target token is aligned to the source token it
 * attends to most. Scored against a gold alignment with the alignment error rate of Och & Ney (2003),
 * AER = 1 − (|A∩S| + |A∩P|) / (|A| + |S|), with sure links S ⊆ possible links P.
 */
import type { Matrix } from './matrix.js';

/** [target index, source index] */
export type Link = [number, number];

export interface AlignOptions {
  /** target rows to leave unaligned (e.g. the decoder's start token) */
  skipRows?: number[];
  /** source columns never aligned to (e.g. the encoder's end-of-sequence token) */
  skipCols?: number[];
}

export function argmaxAlignment(cross: Matrix, opts: AlignOptions = {}): Link[] {
  const skipRows = new Set(opts.skipRows ?? []);
  const skipCols = new Set(opts.skipCols ?? []);
  const links: Link[] = [];
  for (let i = 0; i < cross.rows; i++) {
    if (skipRows.has(i)) continue;
    let best = -1;
    for (let j = 0; j < cross.cols; j++) {
      if (skipCols.has(j)) continue;
      if (best < 0 || cross.data[i * cross.cols + j] > cross.data[i * cross.cols + best]) best = j;
    }
    if (best >= 0) links.push([i, best]);
  }
  return links;
}

export function alignmentErrorRate(predicted: Link[], sure: Link[], possible: Link[] = sure): number {
  const key = ([t, s]: Link) => `${t}:${s}`;
  const S = new Set(sure.map(key));
  const P = new Set([...possible, ...sure].map(key));
  const A = predicted.map(key);
  const aS = A.filter((a) => S.has(a)).length;
  const aP = A.filter((a) => P.has(a)).length;
  const denom = A.length + S.size;
  return denom === 0 ? 0 : 1 - (aS + aP) / denom;
}
