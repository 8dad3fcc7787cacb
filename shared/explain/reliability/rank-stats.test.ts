import { describe, expect, it } from 'vitest';
import { jsDistance, kendallTauB, meanInterval, ranks, spearman, topKOverlap } from './rank-stats.js';

describe('rank statistics', () => {
  it('average ranks share ties', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('a map against itself or a monotone transform is 1, against its reverse −1', () => {
    const a = [0.3, -1, 2, 0.5, 7];
    expect(spearman(a, a)).toBe(1);
    expect(
      kendallTauB(
        a,
        a.map((v) => Math.exp(v)),
      ),
    ).toBe(1);
    expect(
      spearman(
        a,
        a.map((v) => -v),
      ),
    ).toBe(-1);
    expect(
      kendallTauB(
        a,
        a.map((v) => -v),
      ),
    ).toBe(-1);
  });

  it('matches scipy on a case with ties (kendalltau τ-b 0.6667, spearmanr 0.7632)', () => {
    const x = [1, 2, 2, 3, 4];
    const y = [1, 3, 2, 2, 5];
    expect(kendallTauB(x, y)).toBeCloseTo(0.6666666666666666, 12);
    expect(spearman(x, y)).toBeCloseTo(0.7631578947368421, 12);
  });

  it('top-k overlap counts the shared top indices', () => {
    expect(topKOverlap([5, 4, 3, 2, 1], [5, 1, 4, 2, 3], 2)).toBe(0.5);
    expect(topKOverlap([1, 2, 3], [1, 2, 3], 10)).toBe(1);
  });

  it('the 95% interval uses Student t and collapses for constant values', () => {
    const i = meanInterval([1, 2, 3, 4]);
    expect(i.mean).toBe(2.5);
    // sd = 1.29099, t(3) = 3.182: half-width 2.0540
    expect(i.hi - i.mean).toBeCloseTo((3.182 * Math.sqrt(5 / 3)) / 2, 10);
    expect(meanInterval([0.5, 0.5, 0.5])).toEqual({ mean: 0.5, lo: 0.5, hi: 0.5, n: 3 });
    expect(meanInterval([Number.NaN, 1]).n).toBe(1);
  });

  it('Jensen–Shannon distance is 0 for equal rows and 1 for disjoint ones', () => {
    expect(jsDistance([0.2, 0.8], [1, 4])).toBeCloseTo(0, 12);
    expect(jsDistance([1, 0], [0, 1])).toBeCloseTo(1, 12);
  });
});
