/** Pure helpers behind the views: colours, viewport arithmetic, downsampling, saliency scales, SVG, alignment, groups. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argmaxLinks, defaultAlignmentLayer } from './alignment.js';
import type { Theme } from './canvas.js';
import { blockMax, maxOf, paintRamp } from './canvas.js';
import { decodeEntry, headMatrix } from './decode.js';
import { buildScene, MAX_SVG_CELLS } from './export.js';
import { groupNamed, groupOf, groupsIn, headText, layersIn, resolveView, viewsIn } from './groups.js';
import { methodIds } from './methods.js';
import { fromOklab, hex, mix, ramp, toOklab, unpack } from './palette.js';
import { completenessText, formatScore, saliencyScale, saliencyT, targetText } from './saliency.js';
import { sceneToSvg } from './scene.js';
import type { AttentionEntry, ExplanationDocument, SaliencyEntry } from './types.js';
import { cellAt, clampView, ensureVisible, fitView, visibleRange, zoomAt } from './viewport.js';

const dir = join(import.meta.dirname, '../../test/fixtures/documents');
const load = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as ExplanationDocument;

describe('palette', () => {
  it('round-trips sRGB through OKLab and mixes like color-mix(in oklab)', () => {
    for (const c of [
      [0, 0, 0],
      [255, 255, 255],
      [8, 48, 107],
      [242, 246, 251],
      [255, 201, 74],
    ] as const) {
      expect(fromOklab(toOklab([...c]))).toEqual([...c]);
    }
    expect(mix([0, 0, 0], [255, 255, 255], 0)).toEqual([0, 0, 0]);
    expect(mix([0, 0, 0], [255, 255, 255], 1)).toEqual([255, 255, 255]);
    // OKLab's midpoint between black and white is lighter than sRGB's 128 (perceptual lightness).
    expect(mix([0, 0, 0], [255, 255, 255], 0.5)[0]).toBeGreaterThan(90);
    expect(mix([0, 0, 0], [255, 255, 255], 0.5)[0]).toBeLessThan(110);
  });
  it('packs a ramp as little-endian RGBA pixels with opaque alpha', () => {
    const r = ramp([10, 20, 30], [200, 100, 50], 256);
    expect(unpack(r[0])).toEqual([10, 20, 30]);
    expect(unpack(r[255])).toEqual([200, 100, 50]);
    expect(r[0] >>> 24).toBe(255);
    expect(hex([8, 48, 107])).toBe('#08306b');
  });
});

describe('viewport', () => {
  it('fits, finds cells, and keeps the matrix in the plot when zooming and panning', () => {
    const v = fitView(100, 200, 400, 400);
    expect(v.size).toBe(2);
    expect(cellAt(v, 5, 3, 100, 200)).toEqual({ r: 1, c: 2 });
    expect(cellAt(v, 401, 3, 100, 200)).toBeNull();
    // Zooming about a point keeps the cell under it.
    const z = zoomAt(v, 4, 100, 50, 100, 200, 400, 400);
    expect(z.size).toBe(8);
    expect(cellAt(z, 100, 50, 100, 200)).toEqual(cellAt(v, 100, 50, 100, 200));
    // Cannot zoom out past fitting, nor pan into empty space.
    expect(zoomAt(v, 0.1, 0, 0, 100, 200, 400, 400).size).toBe(2);
    expect(clampView({ size: 8, ox: 50, oy: -10_000 }, 100, 200, 400, 400)).toEqual({
      size: 8,
      ox: 0,
      oy: -400,
    });
  });
  it('pans the least to show a cell, and lists the visible range', () => {
    const v = { size: 10, ox: 0, oy: 0 };
    expect(ensureVisible(v, 50, 0, 200, 200)).toEqual({ size: 10, ox: 0, oy: -310 });
    expect(ensureVisible(v, 5, 5, 200, 200)).toEqual(v);
    expect(visibleRange(-25, 10, 100, 200)).toEqual([2, 23]);
  });
});

describe('canvas helpers', () => {
  it('block-max downsampling keeps a thin diagonal visible', () => {
    const n = 8;
    const eye = new Float32Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    expect(Array.from(blockMax(eye, n, n, 4, 4))).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(maxOf([0, 0])).toBe(1);
  });
  it('paints values through the ramp, clamping to its ends', () => {
    const lut = new Uint32Array([1, 2, 3, 4, 5]);
    const px = new Uint32Array(4);
    paintRamp([0, 0.5, 1, 7], 1, lut, px);
    expect(Array.from(px)).toEqual([1, 3, 5, 5]);
  });
});

describe('saliency', () => {
  const e = (method: string, scores: number[], checks?: Record<string, number>): SaliencyEntry => ({
    method,
    target: { kind: 'class', label: 'POSITIVE' },
    scores,
    checks,
  });
  it('gives every entry an id, numbering repeated methods', () => {
    expect(methodIds([e('gradient', []), e('occlusion', []), e('gradient', [])])).toEqual([
      'gradient',
      'occlusion',
      'gradient@2',
    ]);
  });
  it('uses a diverging scale only for signed scores', () => {
    const seq = saliencyScale([0.1, 0.4, 0.2]);
    expect(seq).toEqual({ signed: false, max: 0.4 });
    expect(saliencyT(0.2, seq)).toBeCloseTo(0.5);
    const div = saliencyScale([0.3, -0.6, Number.NaN]);
    expect(div).toEqual({ signed: true, max: 0.6 });
    expect(saliencyT(-0.3, div)).toBeCloseTo(-0.5);
    expect(saliencyT(Number.NaN, div)).toBe(0);
    expect(saliencyScale([0, 0]).max).toBe(1);
  });
  it('formats scores, targets and the completeness check', () => {
    expect(formatScore(0.61)).toBe('0.61');
    expect(formatScore(-0.0000123)).toBe('-1.23e-5');
    expect(formatScore(12.3456)).toBe('12.3');
    expect(targetText({ kind: 'class', label: 'POSITIVE', extra: { a: 1 } })).toBe(
      'kind class, label POSITIVE',
    );
    expect(targetText({ label: 'positive', value: 0.5298411846160889 })).toBe('label positive, value 0.53');
    expect(completenessText(e('integrated_gradients', [], { completeness_error: 0.0042 }))).toBe(
      'completeness error 0.42% of f(x) − f(baseline)',
    );
    expect(completenessText(e('gradient', []))).toBeNull();
  });
});

describe('alignment', () => {
  it('links each target token to its most attended source token, specials left out', () => {
    const v = [0.1, 0.8, 0.1, 0.6, 0.3, 0.1, 0.2, 0.2, 0.6];
    expect(argmaxLinks(v, 3, 3)).toEqual([
      [0, 1],
      [1, 0],
      [2, 2],
    ]);
    expect(argmaxLinks(v, 3, 3, [true, false, false], [false, false, true])).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });
});

describe('the layer the alignment view opens on', () => {
  const layers = [0, 1, 2];
  const a = (layer: number | 'mean', aer?: number) => ({
    layer,
    links: [],
    ...(aer === undefined ? {} : { aer }),
  });
  it('is the lowest AER among the layers where gold was given', () => {
    expect(defaultAlignmentLayer([a(0, 0.4), a(1, 0.1), a(2, 0.3), a('mean', 0.2)], layers)).toBe(1);
    // the mean over layers is no layer, even when it scores best
    expect(defaultAlignmentLayer([a(0, 0.4), a(1, 0.3), a(2, 0.5), a('mean', 0.05)], layers)).toBe(1);
    // a tie goes to the later layer
    expect(defaultAlignmentLayer([a(0, 0.2), a(1, 0.2), a(2, 0.6)], layers)).toBe(1);
    // an alignment for a layer the document holds no cross-attention of is skipped
    expect(defaultAlignmentLayer([a(0, 0.4), a(7, 0)], layers)).toBe(0);
  });
  it('is the last layer without gold, and nothing without layers', () => {
    expect(defaultAlignmentLayer(undefined, layers)).toBe(2);
    expect(defaultAlignmentLayer([a(0), a(1), a('mean')], layers)).toBe(2);
    expect(defaultAlignmentLayer([a(0, 0.1)], [])).toBeUndefined();
  });
  it('opens the analysis fixture on its best layer unless a layer is asked for', () => {
    const doc = load('encdec-analysis-u8.json');
    const scored = doc.alignment!.filter((x) => x.layer !== 'mean');
    expect(scored.map((x) => x.aer)).toEqual([0.1429, 0.7143]);
    const defaultLayer = defaultAlignmentLayer(doc.alignment, layersIn(doc, 'cross'));
    expect(defaultLayer).toBe(0);
    const noGold = { ...doc, alignment: doc.alignment!.map(({ aer: _, ...x }) => x) };
    expect(defaultAlignmentLayer(noGold.alignment, layersIn(doc, 'cross'))).toBe(1);
    const req = { group: null, layer: null, head: null };
    expect(resolveView(doc, req, { only: ['cross'], defaultLayer: 1 })!.layer).toBe(1);
    expect(resolveView(doc, { ...req, layer: '0' }, { only: ['cross'], defaultLayer: 1 })!.layer).toBe(0);
    expect(resolveView(doc, { ...req, layer: '' }, { only: ['cross'], defaultLayer: 1 })!.layer).toBe(1);
  });
});

describe('groups, heads and views', () => {
  const doc = load('encdec-analysis-u8.json');
  it('puts rollout and flow entries in groups of their own, with one combined head', () => {
    expect(groupsIn(doc)).toEqual([
      'encoder-self',
      'decoder-self',
      'cross',
      'encoder-rollout',
      'encoder-flow',
      'decoder-rollout',
    ]);
    const v = resolveView(doc, { group: 'encoder-rollout', layer: '1', head: '2' })!;
    expect(v).toMatchObject({
      group: 'encoder-rollout',
      layer: 1,
      head: 'mean',
      heads: [],
      headChoices: ['mean'],
    });
    expect(headText(v)).toBe('heads averaged');
    expect(groupOf({ ...v.entry, derived: 'flow' })).toBe('encoder-flow');
  });
  it('takes decoder-cross (the name README once gave) as another name for cross', () => {
    expect(groupNamed('decoder-cross')).toBe('cross');
    expect(groupNamed('encoder-self')).toBe('encoder-self');
    expect(groupNamed(null)).toBeNull();
    const v = resolveView(doc, { group: 'decoder-cross', layer: '1', head: '2' })!;
    expect([v.group, v.layer, v.head]).toEqual(['cross', 1, 2]);
  });
  it('offers max and, for lines, all heads', () => {
    const v = resolveView(doc, { group: 'encoder-self', layer: '0', head: 'all' }, { allowAll: true })!;
    expect(v.headChoices).toEqual(['mean', 'max', 0, 1, 2, 3, 'all']);
    expect(v.head).toBe('all');
    expect(resolveView(doc, { group: 'encoder-self', layer: '0', head: 'all' })!.head).toBe('mean');
    expect(resolveView(doc, { group: null, layer: null, head: 'max' }, { only: ['cross'] })).toMatchObject({
      group: 'cross',
      head: 'max',
    });
  });
  it('lists the views a document can fill', () => {
    expect(viewsIn(doc)).toEqual(['matrix', 'model', 'lines', 'alignment']);
    expect(viewsIn(load('saliency-u8.json'))).toEqual(['matrix', 'model', 'lines', 'saliency']);
    expect(viewsIn({ ...load('saliency-u8.json'), attention: [] })).toEqual(['saliency']);
  });
  it('max of heads is element-wise, rows renormalised', () => {
    const e: AttentionEntry = {
      kind: 'self',
      stack: 'encoder',
      layer: 0,
      heads: 2,
      rows: 1,
      cols: 2,
      encoding: 'f32',
      data: [[[0.2, 0.8]], [[0.6, 0.4]]],
    };
    const m = Array.from(headMatrix(decodeEntry(e), e, 'max'));
    expect(m[0]).toBeCloseTo(0.6 / 1.4);
    expect(m[1]).toBeCloseTo(0.8 / 1.4);
  });
});

describe('export scenes and SVG', () => {
  const theme: Theme = {
    bg: [255, 255, 255],
    fg: [0, 0, 0],
    muted: [90, 90, 90],
    border: [200, 200, 200],
    accent: [10, 100, 200],
    low: [240, 240, 250],
    high: [8, 48, 107],
    neg: [33, 102, 172],
    pos: [178, 24, 43],
    lut: ramp([240, 240, 250], [8, 48, 107]),
  };
  it('escapes token text and writes rect, line and text elements', () => {
    const svg = sceneToSvg(
      buildScene({
        kind: 'lines',
        left: ['<script>', 'a&b'],
        right: ['"q"', '\u0001x'],
        leftTitle: 'query',
        rightTitle: 'key',
        links: [{ i: 0, j: 1, w: 0.5, color: '#123456' }],
        marked: [[1, 0]],
        title: 'T <1>',
        theme,
      }),
    );
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('a&amp;b');
    expect(svg).toContain('&quot;q&quot;');
    expect(svg).toContain('\ufffdx');
    expect(svg).not.toContain('<script>');
    expect(svg).toMatch(/<line [^>]*stroke="#123456"/);
    expect(svg).toMatch(/<rect /);
    expect(svg).toContain('<title>T &lt;1&gt;</title>');
  });
  it('pools a large matrix window to at most MAX_SVG_CELLS a side', () => {
    const n = 600;
    const scene = buildScene({
      kind: 'matrix',
      values: new Float32Array(n * n).fill(0.5),
      rows: Array(n).fill('t'),
      cols: Array(n).fill('t'),
      max: 1,
      window: { r0: 0, r1: n, c0: 0, c1: n },
      title: 'big',
      theme,
    });
    const cells = scene.prims.filter((p) => p.t === 'rect').length;
    expect(cells).toBeGreaterThanOrEqual(MAX_SVG_CELLS ** 2);
    expect(cells).toBeLessThan(MAX_SVG_CELLS ** 2 + 64);
  });
});
