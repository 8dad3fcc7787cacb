import { describe, expect, it } from 'vitest';
import { formatWeight, legendTicks, mixPercent, scaleMax, scaleT } from './color.js';

describe('colour scale', () => {
  it('auto max is the largest value; a fixed max wins; an all-zero matrix still has a scale', () => {
    expect(scaleMax([0.1, 0.7, 0.2])).toBe(0.7);
    expect(scaleMax([0.1, 0.7, 0.2], 1)).toBe(1);
    expect(scaleMax([0, 0])).toBe(1);
  });

  it('maps weights to [0, 1] on the scale, clamping outliers and NaN', () => {
    expect(scaleT(0.35, 0.7)).toBeCloseTo(0.5);
    expect(scaleT(2, 1)).toBe(1);
    expect(scaleT(-0.1, 1)).toBe(0);
    expect(scaleT(Number.NaN, 1)).toBe(0);
  });

  it('gives color-mix percentages with one decimal', () => {
    expect(mixPercent(0)).toBe('0%');
    expect(mixPercent(1)).toBe('100%');
    expect(mixPercent(0.12345)).toBe('12.3%');
  });

  it('formats weights with up to three decimals and no trailing zeros', () => {
    expect(formatWeight(0.42)).toBe('0.42');
    expect(formatWeight(0.0039215)).toBe('0.004');
    expect(formatWeight(1)).toBe('1');
    expect(formatWeight(0)).toBe('0');
    expect(formatWeight(0.0001)).toBe('0');
  });

  it('legend ticks are 0, middle and max', () => {
    expect(legendTicks(0.5)).toEqual([0, 0.25, 0.5]);
  });
});
