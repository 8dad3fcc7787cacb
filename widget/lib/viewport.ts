/**
 * Zoom and pan of the canvas matrix, as pure arithmetic: a viewport maps cell (r, c) to CSS pixels
 * x = ox + c·size, y = oy + r·size inside the plot area.
 */

export interface Viewport {
  /** cell size in CSS pixels */
  size: number;
  /** pixel offset of cell (0, 0) inside the plot area */
  ox: number;
  oy: number;
}

export const MIN_ZOOM = 1;
export const MAX_CELL = 48;

/** The viewport that fits rows × cols into w × h (whole matrix visible). */
export function fitView(rows: number, cols: number, w: number, h: number): Viewport {
  return { size: Math.max(Math.min(w / cols, h / rows), 1e-3), ox: 0, oy: 0 };
}

/** Keeps the matrix covering the plot area where it can (no panning into empty space). */
export function clampView(v: Viewport, rows: number, cols: number, w: number, h: number): Viewport {
  const min = fitView(rows, cols, w, h).size * MIN_ZOOM;
  const size = Math.max(min, Math.min(Math.max(MAX_CELL, min), v.size));
  const clampAxis = (o: number, extent: number, room: number) =>
    extent <= room ? 0 : Math.max(room - extent, Math.min(0, o));
  return { size, ox: clampAxis(v.ox, cols * size, w), oy: clampAxis(v.oy, rows * size, h) };
}

/** Zoom by `factor` keeping the point (px, py) of the plot area fixed. */
export function zoomAt(
  v: Viewport,
  factor: number,
  px: number,
  py: number,
  rows: number,
  cols: number,
  w: number,
  h: number,
): Viewport {
  const fitted = fitView(rows, cols, w, h).size;
  const size = Math.max(fitted * MIN_ZOOM, Math.min(Math.max(MAX_CELL, fitted), v.size * factor));
  const k = size / v.size;
  return clampView({ size, ox: px - (px - v.ox) * k, oy: py - (py - v.oy) * k }, rows, cols, w, h);
}

/** The cell under plot-area point (x, y), or null outside the matrix. */
export function cellAt(v: Viewport, x: number, y: number, rows: number, cols: number) {
  const c = Math.floor((x - v.ox) / v.size);
  const r = Math.floor((y - v.oy) / v.size);
  return r >= 0 && r < rows && c >= 0 && c < cols ? { r, c } : null;
}

/** Pans the least amount that brings cell (r, c) fully into view. */
export function ensureVisible(v: Viewport, r: number, c: number, w: number, h: number): Viewport {
  const axis = (o: number, i: number, room: number) => {
    const a = o + i * v.size;
    if (a < 0) return o - a;
    if (a + v.size > room) return o - (a + v.size - room);
    return o;
  };
  return { size: v.size, ox: axis(v.ox, c, w), oy: axis(v.oy, r, h) };
}

/** First and one-past-last visible index along an axis (for drawing only what shows). */
export function visibleRange(o: number, size: number, n: number, room: number): [number, number] {
  return [Math.max(0, Math.floor(-o / size)), Math.min(n, Math.ceil((room - o) / size))];
}

/** The most one wheel event may zoom by (either way): a notch of a mouse wheel is one smooth step. */
export const WHEEL_STEP_MAX = 1.25;

/**
 * The zoom factor of one wheel event, proportional to its delta and bounded by WHEEL_STEP_MAX. A
 * trackpad pinch arrives as ctrl+wheel with small pixel deltas, so it zooms faster per pixel; line
 * and page deltas (deltaMode 1 and 2) are scaled to pixels first.
 */
export function wheelFactor(deltaY: number, deltaMode: number, ctrlKey: boolean): number {
  const px = deltaY * (deltaMode === 1 ? 16 : deltaMode === 2 ? 400 : 1);
  const f = Math.exp(-px * (ctrlKey ? 0.01 : 0.0015));
  return Math.max(1 / WHEEL_STEP_MAX, Math.min(WHEEL_STEP_MAX, f));
}

/** Centres the view on cell (r, c) at its current size (then clamped by the caller). */
export function centreOn(v: Viewport, r: number, c: number, w: number, h: number): Viewport {
  return { size: v.size, ox: w / 2 - (c + 0.5) * v.size, oy: h / 2 - (r + 0.5) * v.size };
}
