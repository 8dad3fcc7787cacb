/**
 * Colours for what the widget paints itself (canvas, exports). The DOM grid mixes its cells in CSS
 * with color-mix(in oklab, …); canvases and exports mix the same endpoints here, in OKLab too, so a
 * large matrix and a small one (and their PNG/SVG) look alike.
 */

export type RGB = [number, number, number];

const toLinear = (c: number) => {
  const x = c / 255;
  return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
};
const toSrgb = (x: number) => {
  const c = x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1 / 2.4) - 0.055;
  return Math.max(0, Math.min(255, Math.round(c * 255)));
};

/** sRGB (0–255) → OKLab (Björn Ottosson's matrices). */
export function toOklab([r, g, b]: RGB): RGB {
  const [R, G, B] = [toLinear(r), toLinear(g), toLinear(b)];
  const l = Math.cbrt(0.4122214708 * R + 0.5363325363 * G + 0.0514459929 * B);
  const m = Math.cbrt(0.2119034982 * R + 0.6806995451 * G + 0.1073969566 * B);
  const s = Math.cbrt(0.0883024619 * R + 0.2817188376 * G + 0.6299787005 * B);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

export function fromOklab([L, a, b]: RGB): RGB {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    toSrgb(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
    toSrgb(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
    toSrgb(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s),
  ];
}

/** The colour t of the way from `low` to `high` (t in [0, 1]), mixed in OKLab like CSS color-mix. */
export function mix(low: RGB, high: RGB, t: number): RGB {
  const a = toOklab(low);
  const b = toOklab(high);
  return fromOklab([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]);
}

/**
 * 256 colours from low to high packed as ImageData pixels (RGBA bytes read as one little-endian
 * uint32), so painting a cell is one table lookup and one store.
 */
export function ramp(low: RGB, high: RGB, n = 256): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const [r, g, b] = mix(low, high, i / (n - 1));
    out[i] = (255 << 24) | (b << 16) | (g << 8) | r;
  }
  return out;
}

/** Unpacks a ramp entry back to RGB. */
export const unpack = (p: number): RGB => [p & 255, (p >>> 8) & 255, (p >>> 16) & 255];

export const hex = ([r, g, b]: RGB): string =>
  `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;

/**
 * One hue per head for drawing several heads at once, spread evenly around the wheel and offset so
 * head 0 is a blue (the scale's own hue); CSS hsl() works in canvas and SVG alike.
 */
export function headHue(k: number, n: number): string {
  return `hsl(${Math.round((210 + (360 * k) / Math.max(n, 1)) % 360)} 75% 48%)`;
}
