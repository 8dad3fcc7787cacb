/**
 * Which lines the lines views draw: every (left i, right j) pair of every layer whose weight is at
 * least `threshold` of the scale, and of those only the `limit` strongest when a limit is set. At
 * 512+ tokens a head has 262,144 pairs (u8 weights tie often: exactly `limit` are kept); this keeps the picture (and the canvas work) to the lines
 * that carry the weight.
 */

export interface LineSet {
  /** layer index, left index, right index and weight on [0, 1] of each line */
  layer: Uint16Array;
  i: Uint32Array;
  j: Uint32Array;
  w: Float32Array;
  length: number;
  /** pairs at or above the threshold before the limit cut them */
  candidates: number;
}

export interface LineFilter {
  /** fraction of the scale's maximum under which a line is not drawn */
  threshold: number;
  /** keep only this many strongest lines (all when absent or 0) */
  limit?: number;
}

/** Lines of `layers` (each nl × nr, row-major) on the scale [0, max]. */
export function lineSet(
  layers: { values: Float32Array }[],
  nl: number,
  nr: number,
  max: number,
  { threshold, limit }: LineFilter,
): LineSet {
  const cut = threshold * max;
  let n = 0;
  for (const L of layers) for (let k = 0; k < nl * nr; k++) if (L.values[k] >= cut && L.values[k] > 0) n++;
  const candidates = n;
  // The limit's cut-off weight: the limit-th largest candidate.
  let floor = cut;
  /** how many lines exactly at the floor may still be kept (ties at the cut-off) */
  let ties = Number.POSITIVE_INFINITY;
  if (limit && n > limit) {
    const all = new Float32Array(n);
    let m = 0;
    for (const L of layers)
      for (let k = 0; k < nl * nr; k++) if (L.values[k] >= cut && L.values[k] > 0) all[m++] = L.values[k];
    all.sort();
    floor = all[n - limit];
    let above = 0;
    for (let k = n - limit; k < n; k++) if (all[k] > floor) above++;
    ties = limit - above;
    n = limit;
  }
  const out: LineSet = {
    layer: new Uint16Array(n),
    i: new Uint32Array(n),
    j: new Uint32Array(n),
    w: new Float32Array(n),
    length: n,
    candidates,
  };
  let m = 0;
  layers.forEach((L, l) => {
    for (let k = 0; k < nl * nr; k++) {
      const v = L.values[k];
      if (v < floor || !(v > 0)) continue;
      if (v === floor && ties-- <= 0) continue;
      out.layer[m] = l;
      out.i[m] = Math.floor(k / nr);
      out.j[m] = k % nr;
      out.w[m] = Math.min(1, v / max);
      m++;
    }
  });
  return out;
}

/** Lines of one token (left index or right index) at or above the threshold, for hover and focus. */
export function tokenLines(
  layers: { values: Float32Array }[],
  nl: number,
  nr: number,
  max: number,
  threshold: number,
  side: 'l' | 'r',
  t: number,
): LineSet {
  const picked: [number, number, number, number][] = [];
  layers.forEach((L, l) => {
    const n = side === 'l' ? nr : nl;
    for (let k = 0; k < n; k++) {
      const i = side === 'l' ? t : k;
      const j = side === 'l' ? k : t;
      const w = L.values[i * nr + j] / max;
      if (w >= threshold && w > 0) picked.push([l, i, j, Math.min(1, w)]);
    }
  });
  return {
    layer: Uint16Array.from(picked, (p) => p[0]),
    i: Uint32Array.from(picked, (p) => p[1]),
    j: Uint32Array.from(picked, (p) => p[2]),
    w: Float32Array.from(picked, (p) => p[3]),
    length: picked.length,
    candidates: picked.length,
  };
}
