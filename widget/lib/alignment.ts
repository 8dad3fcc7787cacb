/** The argmax alignment read from a cross-attention matrix, when the document carries none. */

/**
 * For each target (row) token its most attended source (column) token, special tokens on either
 * side left out (as the API's alignment does), as [target, source] links.
 */
export function argmaxLinks(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  rowSpecial: readonly boolean[] = [],
  colSpecial: readonly boolean[] = [],
): [number, number][] {
  const out: [number, number][] = [];
  for (let r = 0; r < rows; r++) {
    if (rowSpecial[r]) continue;
    let best = -1;
    let bv = -Infinity;
    for (let c = 0; c < cols; c++) {
      if (colSpecial[c]) continue;
      const v = values[r * cols + c];
      if (v > bv) {
        bv = v;
        best = c;
      }
    }
    if (best >= 0) out.push([r, best]);
  }
  return out;
}

interface Scored {
  layer: number | 'mean';
  aer?: number;
}

/**
 * The cross-attention layer the alignment view opens on: where the document scored its layers against
 * a gold alignment, the one with the lowest AER (a tie goes to the later layer), else the last layer.
 * The mean over layers is not a layer and is never the default; the reader can still pick it.
 */
export function defaultAlignmentLayer(
  alignment: readonly Scored[] | undefined,
  layers: readonly number[],
): number | undefined {
  let best: Scored | undefined;
  for (const a of alignment ?? []) {
    if (a.layer === 'mean' || a.aer === undefined || !layers.includes(a.layer)) continue;
    if (!best || a.aer < best.aer! || (a.aer === best.aer && a.layer > (best.layer as number))) best = a;
  }
  return best ? (best.layer as number) : layers.at(-1);
}
