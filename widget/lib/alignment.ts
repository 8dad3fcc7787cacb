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
