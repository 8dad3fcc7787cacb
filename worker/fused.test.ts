/**
 * Fused exports served by the worker, in workerd: tiny-bert-fused (com.microsoft Attention,
 * SkipLayerNormalization, BiasGelu) answers attention and saliency as tiny-bert does, and
 * tiny-bert-fused-length-mask (an Attention the unfuse rewrite refuses) answers saliency by
 * occlusion while attention is refused with 422 `attention_not_exposable` naming the operator.
 * Own `wrangler dev` on a temporary assets folder holding these three models, fp32 (tiny-bert's
 * int8 file quantizes Q/K/V, the fused one keeps the packed QKV weights in float).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyBert } from '../models/tiny/bert.js';
import { buildTinyBertFused, buildTinyBertFusedLengthMask } from '../models/tiny/bert-fused.js';
import { writeModelFiles } from '../models/tiny/generate.js';
import { ExplanationDocument } from '../shared/schema/document.js';
import { startWrangler, type Wrangler } from '../test/setup/start-wrangler.js';

const MODELS = {
  'tiny-bert': buildTinyBert,
  'tiny-bert-fused': buildTinyBertFused,
  'tiny-bert-fused-length-mask': buildTinyBertFusedLengthMask,
};
const TEXT = 'the movie was not bad at all';

let w: Wrangler;
let site: string;
beforeAll(async () => {
  site = mkdtempSync(join(tmpdir(), 'attn-heatmap-fused-'));
  for (const [id, build] of Object.entries(MODELS)) await writeModelFiles(join(site, 'models', id), build());
  w = await startWrangler({
    assets: site,
    vars: { MODELS: Object.keys(MODELS).join(','), PRECISION: 'fp32', MAX_RESIDENT_MODELS: '3' },
  });
});
afterAll(async () => {
  await w?.stop();
  if (site) rmSync(site, { recursive: true, force: true });
});

async function post(route: string, body: unknown) {
  const res = await fetch(`${w.url}/v1/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const weights = (doc: ExplanationDocument) =>
  (doc.attention ?? []).flatMap((e) => (e.data as number[][][]).flat(2));

const maxAbs = (a: number[], b: number[]) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

describe('a fused export in workerd', () => {
  it("answers tiny-bert's attention", async () => {
    const a = await post('attention', { model: 'tiny-bert', text: TEXT });
    const b = await post('attention', { model: 'tiny-bert-fused', text: TEXT });
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    const [wa, wb] = [weights(ExplanationDocument.parse(a.body)), weights(ExplanationDocument.parse(b.body))];
    expect(wb.length).toBe(wa.length);
    expect(wb.length).toBeGreaterThan(0);
    expect(maxAbs(wa, wb)).toBeLessThan(1e-6);
  });

  it.each(['gradient', 'integrated_gradients'])("answers tiny-bert's %s saliency", async (method) => {
    const a = await post('saliency', { model: 'tiny-bert', text: TEXT, method });
    const b = await post('saliency', { model: 'tiny-bert-fused', text: TEXT, method });
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    const [sa, sb] = [
      ExplanationDocument.parse(a.body).saliency![0],
      ExplanationDocument.parse(b.body).saliency![0],
    ];
    const scale = Math.max(...sa.scores.map(Math.abs));
    expect(maxAbs(sa.scores, sb.scores) / scale).toBeLessThan(1e-4);
  });

  it('an Attention the rewrite refuses: attention is refused naming it, occlusion answers', async () => {
    const att = await post('attention', { model: 'tiny-bert-fused-length-mask', text: TEXT });
    expect([att.status, att.body.error?.code]).toEqual([422, 'attention_not_exposable']);
    expect(att.body.error.message).toContain('com.microsoft.Attention');
    expect(att.body.error.message).toContain('mask_index');
    const occ = await post('saliency', {
      model: 'tiny-bert-fused-length-mask',
      text: TEXT,
      method: 'occlusion',
    });
    expect(occ.status, JSON.stringify(occ.body)).toBe(200);
    const ref = await post('saliency', { model: 'tiny-bert', text: TEXT, method: 'occlusion' });
    const [so, sr] = [
      ExplanationDocument.parse(occ.body).saliency![0],
      ExplanationDocument.parse(ref.body).saliency![0],
    ];
    expect(maxAbs(sr.scores, so.scores)).toBeLessThan(1e-5);
    const grad = await post('saliency', {
      model: 'tiny-bert-fused-length-mask',
      text: TEXT,
      method: 'gradient',
    });
    expect(grad.body.error?.code).toBe('gradient_not_supported');
    expect(grad.body.error.message).toContain('com.microsoft/Attention');
  });
});
