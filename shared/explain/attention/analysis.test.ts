/** Rollout, flow, head aggregates and alignments on small examples computed by hand. */
import { describe, expect, it } from 'vitest';
import { alignmentErrorRate, argmaxAlignment } from './alignment.js';
import { attentionFlow, FLOW_MAX_TOKENS, FlowTooLargeError } from './flow.js';
import { aggregateHeads, summarizeHead } from './heads.js';
import { matrix } from './matrix.js';
import { attentionRollout, residualAdjusted } from './rollout.js';

const close = (a: ArrayLike<number>, b: number[]) => {
  for (let i = 0; i < b.length; i++) expect(a[i]).toBeCloseTo(b[i], 12);
};
const A = matrix(2, 2, [1, 0, 0.5, 0.5]);

describe('rollout', () => {
  it('mixes in the residual: Â = ½A + ½I', () => {
    close(residualAdjusted(A).data, [1, 0, 0.25, 0.75]);
  });

  it('multiplies the layers bottom up', () => {
    const [r1, r2] = attentionRollout([A, A]);
    close(r1.data, [1, 0, 0.25, 0.75]);
    // Â·Â = [[1, 0], [0.25 + 0.75·0.25, 0.75·0.75]]
    close(r2.data, [1, 0, 0.4375, 0.5625]);
  });
});

describe('flow', () => {
  it('equals the adjusted attention for one layer', () => {
    close(attentionFlow([A])[0].data, [1, 0, 0.25, 0.75]);
  });

  it('is the max-flow through the layers, not the product of paths', () => {
    // top token 1 → bottom token 0: 1→0→0 carries min(0.25, 1) and 1→1→0 carries min(0.75, 0.25).
    const [, f2] = attentionFlow([A, A]);
    close(f2.data, [1, 0, 0.5, 0.75]);
  });

  it(`refuses inputs over ${FLOW_MAX_TOKENS} tokens`, () => {
    const n = FLOW_MAX_TOKENS + 1;
    expect(() => attentionFlow([matrix(n, n)])).toThrow(FlowTooLargeError);
  });
});

describe('heads', () => {
  const h1 = matrix(2, 2, [1, 0, 0, 1]);
  const h2 = matrix(2, 2, [0.5, 0.5, 0.5, 0.5]);

  it('averages, and takes a renormalised maximum', () => {
    close(aggregateHeads([h1, h2], 'mean').data, [0.75, 0.25, 0.25, 0.75]);
    close(aggregateHeads([h1, h2], 'max').data, [2 / 3, 1 / 3, 1 / 3, 2 / 3]);
  });

  it('summarises entropy and distance to the diagonal', () => {
    expect(summarizeHead(h1)).toEqual({ entropy: 0, diagonal_distance: 0 });
    const s = summarizeHead(h2);
    expect(s.entropy).toBeCloseTo(Math.log(2), 12);
    expect(s.diagonal_distance).toBeCloseTo(0.5, 12);
  });
});

describe('alignment', () => {
  // target rows × source cols; row 0 is the decoder start token
  const cross = matrix(3, 3, [0.4, 0.3, 0.3, 0.1, 0.8, 0.1, 0.7, 0.2, 0.1]);

  it('aligns each target token to its most attended source token', () => {
    expect(argmaxAlignment(cross, { skipRows: [0] })).toEqual([
      [1, 1],
      [2, 0],
    ]);
  });

  it('scores AER against sure and possible links', () => {
    const predicted = argmaxAlignment(cross, { skipRows: [0] });
    expect(alignmentErrorRate(predicted, predicted)).toBe(0);
    // one of two predicted links is sure: 1 − (1 + 1)/(2 + 2)
    expect(
      alignmentErrorRate(predicted, [
        [1, 1],
        [2, 2],
      ]),
    ).toBeCloseTo(0.5, 12);
    // the other is possible: 1 − (1 + 2)/(2 + 1)
    expect(alignmentErrorRate(predicted, [[1, 1]], [[2, 0]])).toBeCloseTo(0, 12);
  });
});
