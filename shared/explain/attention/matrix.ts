/** A dense row-major matrix, the unit every attention analysis works on. */
export interface Matrix {
  rows: number;
  cols: number;
  /** Float32Array views of model outputs (no copy), Float64Array for computed results */
  data: Float32Array | Float64Array;
}

export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  return { rows, cols, data: data ? Float64Array.from(data) : new Float64Array(rows * cols) };
}

export function identity(n: number): Matrix {
  const m = matrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

/** a · b */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new Error(`matmul: ${a.rows}×${a.cols} · ${b.rows}×${b.cols}`);
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let k = 0; k < a.cols; k++) {
      const v = a.data[i * a.cols + k];
      if (v === 0) continue;
      for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j] += v * b.data[k * b.cols + j];
    }
  return out;
}

export function normalizeRows(m: Matrix): Matrix {
  const out = matrix(m.rows, m.cols, m.data);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += out.data[i * m.cols + j];
    if (s > 0) for (let j = 0; j < m.cols; j++) out.data[i * m.cols + j] /= s;
  }
  return out;
}

/** Heads of one [heads, rows, cols] tensor as matrices (views, not copies). */
export function headsOf(data: Float32Array, heads: number, rows: number, cols: number): Matrix[] {
  const size = rows * cols;
  return Array.from({ length: heads }, (_, h) => ({
    rows,
    cols,
    data: data.subarray(h * size, (h + 1) * size),
  }));
}
