/** The probe view's pure parts: reading the document's probe field, chart geometry, the source it asks. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickSource } from '../sources.js';
import { viewsIn } from './groups.js';
import { layerSummary, probeChart, pts, readProbe } from './probe.js';
import type { ExplanationDocument } from './types.js';

const doc = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../test/fixtures/documents/probe.json'), 'utf8'),
) as ExplanationDocument;

describe('probe data', () => {
  it('reads the per-layer rows and the baseline; a probe document offers only the probe view', () => {
    const d = readProbe(doc.probe);
    if ('error' in d) throw new Error(d.error);
    expect(d.layers.map((l) => l.layer)).toEqual([0, 1, 2, 3, 4]);
    expect(d.layers[2]).toMatchObject({ accuracy: 0.8932, control: 0.5619, ci: [0.8873, 0.8992] });
    expect(d.baseline?.accuracy).toBe(0.8883);
    expect(layerSummary(d.layers[2])).toBe(
      'Layer 2: accuracy 89.3% (95% CI 88.7%–89.9%), control 56.2%, selectivity +33.1 pts',
    );
    expect(pts(-0.012)).toBe('−1.2 pts');
    expect(viewsIn(doc)).toEqual(['probe']);
  });

  it('says what is wrong with a malformed probe field', () => {
    expect(readProbe(undefined)).toEqual({ error: 'probe.layers must be a non-empty array' });
    expect(readProbe({ layers: [{ layer: 0, accuracy: 1.5, control_accuracy: 0.2 }] })).toHaveProperty(
      'error',
    );
  });

  it('chart: the y axis spans whole tenths up to 100%, points left to right', () => {
    const d = readProbe(doc.probe);
    if ('error' in d) throw new Error(d.error);
    const ch = probeChart(d);
    expect(ch.domain).toEqual([0.5, 1]);
    expect(ch.ticks).toEqual([0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(ch.y(1)).toBe(ch.plot.y0);
    expect(ch.y(0.5)).toBe(ch.plot.y1);
    expect(ch.x(0)).toBeLessThan(ch.x(4));
  });
});

describe('explain="probe" source', () => {
  const base = { data: null, text: null, targetText: null, inline: null };
  it('asks the API for the model, with the layers attribute as numbers', () => {
    const s = pickSource({
      ...base,
      src: 'https://api.example',
      model: 'tiny-bert',
      explain: 'probe',
      layers: '0 1',
    });
    expect(s).toMatchObject({ kind: 'api', explain: 'probe', model: 'tiny-bert', layers: [0, 1] });
    const all = pickSource({ ...base, src: 'https://api.example', model: 'tiny-bert', explain: 'probe' });
    expect(all).not.toHaveProperty('layers');
    expect(all).not.toHaveProperty('task');
  });
  it('passes the task attribute on (pos_fine: the Brown tags), to the API and to the page runner', () => {
    const q = { ...base, src: 'https://api.example', model: 'brown-gpt', explain: 'probe', task: 'pos_fine' };
    expect(pickSource(q)).toMatchObject({ kind: 'api', task: 'pos_fine' });
    expect(pickSource({ ...q, run: 'browser' })).toMatchObject({ kind: 'browser', task: 'pos_fine' });
    // not a probe: the attribute means nothing
    expect(pickSource({ ...q, explain: 'attention', text: 'x' })).not.toHaveProperty('task');
  });
  it('needs a model; with run="browser" it trains in the page', () => {
    expect(pickSource({ ...base, src: 'https://api.example', model: null, explain: 'probe' }).kind).toBe(
      'none',
    );
    expect(
      pickSource({ ...base, src: null, model: 'm', explain: 'probe', run: 'browser', layers: '1' }),
    ).toMatchObject({ kind: 'browser', explain: 'probe', layers: [1] });
  });
});
