import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { metricLines, significantTokens, trustLines } from './trust.js';
import type { ExplanationDocument } from './types.js';

const fixture = JSON.parse(
  readFileSync('test/fixtures/documents/saliency-u8.json', 'utf8'),
) as ExplanationDocument;

function withChecks(checks: Record<string, number>): ExplanationDocument {
  const [s] = fixture.saliency!;
  return { ...fixture, saliency: [{ ...s, checks: { ...s.checks, ...checks } }] };
}

describe('trust lines', () => {
  it('flag a saturated target first, with how much the model leaves to other outcomes', () => {
    const lines = trustLines(withChecks({ target_saturation: 3.2e-5, target_saturated: 1 }));
    expect(lines[0]).toMatchObject({ key: 'saturation', warn: true });
    expect(lines[0].text).toContain('3.2e-5');
  });

  it('say nothing of saturation for a target far from certainty, or a document without the check', () => {
    expect(
      trustLines(withChecks({ target_saturation: 0.3, target_saturated: 0 })).map((l) => l.key),
    ).not.toContain('saturation');
    expect(trustLines(fixture).map((l) => l.key)).not.toContain('saturation');
  });

  it('show nothing for a document with several maps: the metrics would describe none of them for sure', () => {
    const [s] = fixture.saliency!;
    expect(
      trustLines({ ...withChecks({ target_saturation: 1e-6, target_saturated: 1 }), saliency: [s, s] }),
    ).toEqual([]);
  });
});

describe('reliability metric lines', () => {
  const ci = (mean: number) => ({ mean, lo: mean - 0.1, hi: mean + 0.1, n: 4 });
  const method = fixture.saliency![0].method;
  const withMetrics = (metrics: Record<string, unknown>): ExplanationDocument => ({
    ...fixture,
    saliency: [fixture.saliency![0]],
    metrics: { ...fixture.metrics, ...metrics },
  });

  it('say what stability measures, with its interval, and warn when rewording reorders the map', () => {
    const stable = {
      requested: 4,
      perturbations: [{}, {}, {}],
      top_k_fraction: 0.2,
      spearman: ci(0.9),
      kendall: ci(0.8),
      top_k: ci(0.7),
    };
    const [good] = trustLines(withMetrics({ stability: stable })).filter((l) => l.key === 'stability');
    expect(good.text).toContain('ρ 0.90 (95% 0.80–1.00)');
    expect(good.text).toContain('3 rewordings that keep the prediction');
    expect(good.warn).toBe(false);
    const [bad] = trustLines(withMetrics({ stability: { ...stable, spearman: ci(0.2) } })).filter(
      (l) => l.key === 'stability',
    );
    expect(bad.warn).toBe(true);
  });

  it('name the significant tokens and mark them; flag a map sanity finds insensitive', () => {
    const tokens = fixture.input.tokens;
    const doc = withMetrics({
      significance: {
        [method]: {
          null: 'random_tokens',
          samples: 8,
          alpha: 0.05,
          correction: 'benjamini_hochberg',
          z: tokens.map(() => 0),
          p: tokens.map(() => 0.5),
          significant: [1],
        },
      },
      sanity: {
        [method]: {
          cascade: [{ randomized: 'head', spearman: 0.97, kendall: 0.9 }],
          threshold: 0.5,
          insensitive: true,
        },
      },
    });
    const lines = trustLines(doc);
    const sig = lines.find((l) => l.key === 'significance')!;
    expect(sig.text).toContain(`1 of ${tokens.length} tokens (${tokens[1].text})`);
    expect([...significantTokens(doc, method)]).toEqual([1]);
    const sanity = lines.find((l) => l.key === 'sanity')!;
    expect(sanity.warn).toBe(true);
    expect(sanity.text).toContain('ρ 0.97');
  });

  it('describe an attention document: per-head and rollout stability, agreement with gradients', () => {
    const head = (layer: number, h: number, rho: number) => ({
      stack: 'encoder',
      layer,
      head: h,
      spearman: ci(rho),
      kendall: ci(rho),
      top_k: ci(rho),
      js_distance: ci(0.1),
    });
    const doc = {
      ...fixture,
      saliency: undefined,
      metrics: {
        stability: {
          requested: 2,
          perturbations: [{}, {}],
          top_k_fraction: 0.2,
          heads: [head(0, 0, 0.9), head(0, 1, 0.3), head(1, 0, 0.8)],
          rollout: head(1, 0, 0.95),
        },
        agreement: {
          tokens: 5,
          pairs: [{ attention: 'rollout', method: 'gradient', kendall: 0.12, spearman: 0.2 }],
        },
      },
    } as unknown as ExplanationDocument;
    const lines = metricLines(doc);
    expect(lines.map((l) => l.key)).toEqual(['stability', 'agreement']);
    expect(lines[0].text).toContain('least stable layer 0 head 1 (ρ 0.30)');
    expect(lines[0].text).toContain('rollout ρ 0.95');
    expect(lines[1].text).toContain('rollout ↔ gradient 0.12');
    // the saliency lines need one map; the attention lines do not
    expect(trustLines(doc)).toEqual([]);
  });
});

describe('the widget asks for the API metrics by name', () => {
  it('its list is the schema list', async () => {
    const { METRICS } = await import('../../shared/schema/metrics.js');
    const { METRIC_NAMES } = await import('../sources.js');
    expect(METRIC_NAMES).toEqual([...METRICS]);
  });
});
