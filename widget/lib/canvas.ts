/**
 * Canvas helpers shared by the large matrix, the model view's thumbnails and the lines views:
 * downsampling, painting values through a colour ramp, reading theme colours, sizing for the
 * device pixel ratio. Only the functions that take an element touch the DOM.
 */
import { type RGB, ramp } from './palette.js';

/**
 * rows×cols values → outRows×outCols blocks, each the max of the cells it covers: a thin diagonal
 * or a single strong column stays visible in a thumbnail, where a mean would wash it out.
 */
export function blockMax(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  outRows: number,
  outCols: number,
): Float32Array {
  const out = new Float32Array(outRows * outCols);
  for (let r = 0; r < rows; r++) {
    const orow = Math.floor((r * outRows) / rows) * outCols;
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const o = orow + Math.floor((c * outCols) / cols);
      const v = values[base + c];
      if (v > out[o]) out[o] = v;
    }
  }
  return out;
}

/** Largest value (at least a tiny epsilon so empty data still has a scale). */
export function maxOf(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m > 0 ? m : 1;
}

/** Writes one pixel per value (v / max through the ramp) into `pixels` (an ImageData's uint32 view). */
export function paintRamp(
  values: ArrayLike<number>,
  max: number,
  lut: Uint32Array,
  pixels: Uint32Array,
): void {
  const top = lut.length - 1;
  const k = top / max;
  for (let i = 0; i < values.length; i++) {
    const t = values[i] * k;
    pixels[i] = lut[t >= top ? top : t > 0 ? Math.round(t) : 0];
  }
}

/** An offscreen canvas holding one pixel per cell, drawn scaled (without smoothing) as the heatmap. */
export function heatBitmap(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  max: number,
  lut: Uint32Array,
): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = cols;
  c.height = rows;
  const ctx = c.getContext('2d')!;
  const img = ctx.createImageData(cols, rows);
  paintRamp(values, max, lut, new Uint32Array(img.data.buffer));
  ctx.putImageData(img, 0, 0);
  return c;
}

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour string → RGB, by letting a 1×1 canvas resolve it (handles oklab(), named colours…). */
export function parseColor(css: string, fallback: RGB = [0, 0, 0]): RGB {
  if (!css.trim()) return fallback;
  probe ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!probe) return fallback;
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = '#000';
  probe.fillStyle = css.trim();
  probe.fillRect(0, 0, 1, 1);
  const d = probe.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2]];
}

/** The widget's resolved theme colours, read from an element inside its shadow root. */
export interface Theme {
  bg: RGB;
  fg: RGB;
  muted: RGB;
  border: RGB;
  accent: RGB;
  low: RGB;
  high: RGB;
  neg: RGB;
  pos: RGB;
  /** the sequential ramp low → high */
  lut: Uint32Array;
}

export function readTheme(el: Element): Theme {
  const s = getComputedStyle(el);
  const v = (n: string) => parseColor(s.getPropertyValue(`--_${n}`));
  const low = v('scale-low');
  const high = v('scale-high');
  return {
    bg: v('bg'),
    fg: v('fg'),
    muted: v('muted'),
    border: v('border'),
    accent: v('accent'),
    low,
    high,
    neg: v('neg'),
    pos: v('pos'),
    lut: ramp(low, high),
  };
}

/** Sizes a canvas's backing store for the device pixel ratio; returns a context in CSS pixels. */
export function sizeCanvas(c: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  const bw = Math.max(1, Math.round(w * dpr));
  const bh = Math.max(1, Math.round(h * dpr));
  if (c.width !== bw) c.width = bw;
  if (c.height !== bh) c.height = bh;
  c.style.width = `${w}px`;
  c.style.height = `${h}px`;
  const ctx = c.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

export const rgb = ([r, g, b]: RGB, a = 1): string =>
  a === 1 ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${a})`;
