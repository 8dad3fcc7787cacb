import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { trustLines } from './trust.js';
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
