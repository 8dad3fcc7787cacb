import { describe, expect, it } from 'vitest';
import { contrast, inkOn } from './contrast.js';
import type { RGB } from './palette.js';

describe('inkOn', () => {
  it('matches WCAG figures: white on #58a6ff is 2.526:1 (axe reports 2.52)', () => {
    expect(contrast([255, 255, 255], [0x58, 0xa6, 0xff])).toBeCloseTo(2.526, 3);
  });
  it('picks a text colour with at least 4.5:1 on every background of a grey and a colour ramp', () => {
    let worst = Infinity;
    for (let v = 0; v <= 255; v++)
      for (const bg of [
        [v, v, v],
        [v, 255 - v, 128],
        [255, v, 0],
      ] as RGB[]) {
        const ink: RGB = inkOn(bg) === 'dark' ? [0, 0, 0] : [255, 255, 255];
        worst = Math.min(worst, contrast(bg, ink));
      }
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });
});
