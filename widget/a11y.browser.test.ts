/**
 * axe-core in real Chromium on every view of the widget (host pages with the fixture documents, a
 * 300-token canvas matrix and a real saliency document from the API) and on the demo page, in light
 * and dark: zero violations. axe's source is evaluated through the DevTools protocol, which a page's
 * Content-Security-Policy does not govern (the demo page allows only its own scripts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureWidgetBuilt } from '../test/browser/build-widget.js';
import { type Browser, launchChromium } from '../test/browser/chromium.js';
import { waitForGrid } from '../test/browser/grid.js';
import { largeDocument } from '../test/browser/large.js';
import { waitForView } from '../test/browser/views.js';

const apiUrl = inject('apiUrl');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
beforeAll(async () => {
  await ensureWidgetBuilt();
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

interface Violation {
  id: string;
  impact: string | null;
  nodes: { target: string; summary: string }[];
}

/** Runs axe on the whole page (open shadow roots included) and returns its violations. */
async function axe(page: Page): Promise<Violation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const a = (window as unknown as { axe: { run(c: Document, o: object): Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: {
        id: string;
        impact: string | null;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }[];
    }
    const r = await a.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => ({ target: JSON.stringify(n.target), summary: n.failureSummary ?? '' })),
    }));
  });
}

const report = (name: string, v: Violation[]) =>
  console.log(
    `axe ${name}: ${v.length} violations${v.map((x) => `\n  ${x.id} (${x.impact}): ${x.nodes.map((n) => `${n.target} ${n.summary.replace(/\s+/g, ' ')}`).join(' | ')}`).join('')}`,
  );

interface HostCase {
  name: string;
  body: string;
  ready: string;
  /** a document to set as the element's `explanation` instead of an attribute source */
  explanation?: () => unknown;
  base?: string;
}

const fixture = (file: string, attrs: string) =>
  `<attn-heatmap data="fixtures/${file}" ${attrs}></attn-heatmap>`;
const CASES: HostCase[] = [
  { name: 'matrix', body: fixture('encoder-u8.json', 'view="matrix"'), ready: 'table[role=grid]' },
  {
    name: 'matrix (canvas, 300 tokens)',
    body: '<attn-heatmap view="matrix"></attn-heatmap>',
    ready: 'canvas.over',
    explanation: () => largeDocument(300, { layers: 1, heads: 2 }).doc,
  },
  {
    name: 'model',
    body: fixture('encdec-analysis-u8.json', 'view="model" group="encoder-self"'),
    ready: '.thumb canvas',
  },
  {
    name: 'lines',
    body: fixture('encdec-analysis-u8.json', 'view="lines" group="encoder-self" head="all"'),
    ready: '.cols canvas',
  },
  {
    name: 'lines (512 tokens, scrolling)',
    body: '<attn-heatmap view="lines" head="all"></attn-heatmap>',
    ready: '.cols canvas',
    explanation: () => largeDocument(512, { layers: 1, heads: 2 }).doc,
  },
  {
    name: 'alignment',
    body: fixture('encdec-analysis-u8.json', 'view="alignment"'),
    ready: '.alignment-note',
  },
  {
    name: 'saliency (fixture)',
    body: fixture('saliency-u8.json', 'view="saliency" method="integrated_gradients"'),
    ready: '.sal .tk',
  },
  {
    name: 'saliency (API, trust figures)',
    body: `<attn-heatmap src="${apiUrl}" model="brown-sentiment" explain="saliency" method="gradient_x_input" text="The food was wonderful, but the service was slow and rude."></attn-heatmap>`,
    ready: '.trust',
    base: `${apiUrl}/__widget-test__`,
  },
  { name: 'probe', body: fixture('probe.json', ''), ready: '.probe-table' },
];

describe('axe-core reports no violations', () => {
  for (const scheme of ['light', 'dark'] as const) {
    for (const c of CASES) {
      it(`${c.name} (${scheme})`, async () => {
        // A host page with the structure any page should have (axe checks the page as a whole).
        const body = `<main><h1>attn-heatmap: ${c.name}</h1>${c.body}</main>`;
        const { page, errors } = await browser.open(body, { colorScheme: scheme, base: c.base });
        if (c.explanation) {
          const doc = c.explanation();
          await page.locator('attn-heatmap').evaluate((el, d) => {
            (el as HTMLElement & { explanation: unknown }).explanation = d;
          }, doc);
        }
        await waitForView(page, c.ready);
        const v = await axe(page);
        report(`${c.name} (${scheme})`, v);
        expect(v).toEqual([]);
        expect(errors).toEqual([]);
        await page.close();
      });
    }

    it(`the demo page (${scheme})`, async () => {
      const { page, errors } = await browser.open('', {
        base: apiUrl,
        path: '/',
        passthrough: true,
        colorScheme: scheme,
      });
      await waitForGrid(page, '#viz');
      const v = await axe(page);
      report(`demo page (${scheme})`, v);
      expect(v).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
