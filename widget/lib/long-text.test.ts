/** The pure parts of the long-text views: label thinning, wheel steps, colour scales, line sets. */
import { describe, expect, it } from 'vitest';
import { LABEL_GAP, labelIndices, labelStep } from './axis-labels.js';
import { lineSet } from './line-set.js';
import { scaleValues } from './scale.js';
import { WHEEL_STEP_MAX, wheelFactor } from './viewport.js';

describe('axis labels', () => {
  it('thin out by powers of two and never come closer than LABEL_GAP', () => {
    for (const size of [0.3, 1, 1.5, 3, 7, 12, 20]) {
      const step = labelStep(size);
      expect(step * size).toBeGreaterThanOrEqual(LABEL_GAP);
      if (step > 1) expect((step / 2) * size).toBeLessThan(LABEL_GAP);
    }
    // 512 tokens in 776 px: every 16th token, so every 32 consecutive tokens hold a label.
    expect(labelIndices(0, 512, 776 / 512)).toEqual(Array.from({ length: 32 }, (_, i) => i * 16));
  });
});

describe('wheel zoom', () => {
  it('is proportional to the delta and bounded per event', () => {
    expect(wheelFactor(-500, 0, false)).toBe(WHEEL_STEP_MAX);
    expect(wheelFactor(500, 0, false)).toBe(1 / WHEEL_STEP_MAX);
    expect(wheelFactor(-10, 0, false)).toBeCloseTo(Math.exp(0.015));
    // A pinch (ctrl) is faster per pixel; a line delta counts as 16 px.
    expect(wheelFactor(-10, 0, true)).toBeGreaterThan(wheelFactor(-10, 0, false));
    expect(wheelFactor(-1, 1, false)).toBeCloseTo(wheelFactor(-16, 0, false));
  });
});

describe('colour scales', () => {
  const v = Float32Array.from([0.9, 0.05, 0.05, 0.1, 0.2, 0.7]);
  it('linear to the max, per row to each row max, quantile by rank', () => {
    expect([...scaleValues(v, 2, 3, 'linear', 0.9).t].map((x) => +x.toFixed(3))).toEqual([
      1, 0.056, 0.056, 0.111, 0.222, 0.778,
    ]);
    const row = scaleValues(v, 2, 3, 'row', 0.9);
    expect(row.t[0]).toBe(1);
    expect(row.t[5]).toBe(1);
    expect(row.description).toMatch(/^Per-row scale/);
    const q = scaleValues(v, 2, 3, 'quantile', 0.9);
    // Ranks: the smallest is 0, the largest 1, and order is kept.
    expect(q.t[1]).toBe(0);
    expect(q.t[0]).toBe(1);
    expect(q.t[3]).toBeLessThan(q.t[4]);
    expect(q.t[4]).toBeLessThan(q.t[5]);
  });
});

describe('line sets', () => {
  // Two layers of 2 × 3 weights with ties.
  const layers = [
    { values: Float32Array.from([0.5, 0.1, 0.1, 0.1, 0.1, 0.01]) },
    { values: Float32Array.from([0.2, 0.1, 0.1, 0, 0.3, 0.1]) },
  ];
  it('keeps what is above the threshold, and exactly `limit` of the strongest even with ties', () => {
    // 0.01 in float32 is just under 0.02 × 0.5: left out, like the zero.
    expect(lineSet(layers, 2, 3, 0.5, { threshold: 0.02 }).length).toBe(10);
    expect(lineSet(layers, 2, 3, 0.5, { threshold: 0.5 }).length).toBe(2);
    const top = lineSet(layers, 2, 3, 0.5, { threshold: 0, limit: 4 });
    expect(top.length).toBe(4);
    expect([...top.w].sort()).toEqual([0.2, 0.4, 0.6, 1].map(Math.fround));
    expect(lineSet(layers, 2, 3, 0.5, { threshold: 0, limit: 5 }).length).toBe(5);
  });
});
