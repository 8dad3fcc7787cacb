/**
 * Text colour for a token drawn on a coloured background: black or white, whichever contrasts
 * more (WCAG 2 relative luminance). One of the two always reaches 4.58:1, which no pair of theme
 * colours guarantees for the mid-tones of a scale.
 */
import type { RGB } from './palette.js';

const channel = (c: number) => {
  const x = c / 255;
  return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
};

export const luminance = ([r, g, b]: RGB): number =>
  0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);

export const contrast = (a: RGB, b: RGB): number => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

/** 'dark' when black text reads better on `bg`, 'light' when white does. */
export const inkOn = (bg: RGB): 'dark' | 'light' =>
  contrast(bg, [0, 0, 0]) >= contrast(bg, [255, 255, 255]) ? 'dark' : 'light';
