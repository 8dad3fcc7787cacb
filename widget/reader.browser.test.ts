/**
 * What a reader needs besides the picture, in real Chromium against the real API (`wrangler dev`,
 * inject('apiUrl')): the model's prediction in every view, for each model family, and the saliency
 * view's trust figures (faithfulness against random, agreement with the known rationale) on screen
 * and in its export.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExplanationDocument as Doc } from '../shared/schema/document.js';
import { ensureWidgetBuilt } from '../test/browser/build-widget.js';
import { attr, CAPTURE, drawnDocument } from '../test/browser/capture.js';
import { type Browser, launchChromium } from '../test/browser/chromium.js';
import { snap, waitForGrid } from '../test/browser/grid.js';
import { host, waitForView } from '../test/browser/views.js';

const apiUrl = inject('apiUrl');
const base = `${apiUrl}/__widget-test__`;

let browser: Browser;
beforeAll(async () => {
  await ensureWidgetBuilt();
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const shadowText = (page: Page, sel: string) =>
  host(page).evaluate((el, s) => el.shadowRoot!.querySelector(s)?.textContent ?? null, sel);

const p2 = (p: number) => p.toFixed(2);

describe('the prediction is shown', () => {
  const CASES = [
    {
      model: 'brown-sentiment',
      text: 'The food was wonderful, but the service was slow and rude.',
      expected: (d: Doc) => {
        const o = d.output!;
        return `Prediction: ${o.label} ${p2(o.scores![o.label!])}`;
      },
    },
    {
      model: 'brown-gpt',
      text: 'The jury said that the',
      expected: (d: Doc) => {
        const o = d.output!;
        return `Next token: ‘${o.label}’ ${p2(o.scores![o.label!])}`;
      },
    },
    {
      model: 'brown-seq2seq',
      text: 'translate: The jury said it did find that many of the laws were outmoded .',
      expected: (d: Doc) => `Output: ${d.output!.text}`,
    },
  ] as const;

  for (const c of CASES) {
    it(`${c.model}: the header reads the document's output, in the matrix and the model view`, async () => {
      const { page, errors } = await browser.open(
        `${CAPTURE}<attn-heatmap src="${apiUrl}" model="${c.model}" text="${attr(c.text)}"></attn-heatmap>`,
        { base },
      );
      await waitForGrid(page);
      const doc = await drawnDocument<Doc>(page, 120_000);
      expect(doc.output).toBeDefined();
      const line = await shadowText(page, '.prediction');
      expect(line).not.toBeNull();
      expect(line!.startsWith(c.expected(doc))).toBe(true);
      // The runner-up is there too, so a close call reads as one.
      if (doc.model.family !== 'encoder-decoder') {
        const [second] = Object.entries(doc.output!.scores!).sort((a, b) => b[1] - a[1])[1];
        expect(line).toContain(doc.model.family === 'decoder' ? `‘${second}’` : second);
      }
      await snap(page, `reader-prediction-${c.model}`);
      await page.locator('attn-heatmap').evaluate((el) => el.setAttribute('view', 'model'));
      await waitForView(page, '.thumb canvas');
      expect(await shadowText(page, '.prediction')).toBe(line);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('a label that looks like markup stays text', async () => {
    const { page, errors } = await browser.open(
      `${CAPTURE}<attn-heatmap src="${apiUrl}" model="brown-sentiment" text="A fine day."></attn-heatmap>`,
      { base },
    );
    await waitForGrid(page);
    const doc = await drawnDocument<Doc>(page, 120_000);
    const evil = '<img src=x onerror="window.__pwned=1">';
    await page.locator('attn-heatmap').evaluate(
      (el, [d, label]) => {
        (el as HTMLElement & { explanation: unknown }).explanation = {
          ...(d as object),
          output: { label, scores: { [label as string]: 0.5, other: 0.5 } },
        };
      },
      [doc, evil] as const,
    );
    await expect.poll(() => shadowText(page, '.pred-value')).toBe(evil);
    expect(await host(page).evaluate((el) => el.shadowRoot!.querySelectorAll('img').length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the saliency view says how far to trust the map', () => {
  const TEXT = 'The food was wonderful, but the service was slow and rude.';
  const f3 = (v: number) => v.toFixed(3);
  interface Metrics {
    faithfulness: { comprehensiveness: number; random_comprehensiveness: number; sufficiency: number };
    rationale: { precision: number; random_precision: number; rationale: string[] };
  }

  for (const method of ['integrated_gradients', 'gradient_x_input'] as const) {
    it(`${method} on brown-sentiment: faithfulness and rationale figures on screen and in the SVG export`, async () => {
      const { page, errors } = await browser.open(
        `${CAPTURE}<attn-heatmap src="${apiUrl}" model="brown-sentiment" explain="saliency" method="${method}" text="${attr(TEXT)}"></attn-heatmap>`,
        { base },
      );
      // Integrated gradients on a cold worker take a while on this shared machine: wait for the document.
      const doc = await drawnDocument<Doc>(page, 120_000);
      await waitForView(page, '.sal .tk');
      const m = doc.metrics as unknown as Metrics;
      const f = m.faithfulness;
      expect(f.comprehensiveness).toEqual(expect.any(Number));
      expect(m.rationale.rationale.length).toBeGreaterThan(0);
      await waitForView(page, '.trust');
      const comp = await shadowText(page, '.trust-comprehensiveness');
      expect(comp).toContain(
        `Comprehensiveness ${f3(f.comprehensiveness)} (random ${f3(f.random_comprehensiveness)})`,
      );
      expect(await shadowText(page, '.trust-sufficiency')).toContain(`Sufficiency ${f3(f.sufficiency)}`);
      const rat = await shadowText(page, '.trust-rationale');
      expect(rat).toContain(
        `Rationale agreement ${f3(m.rationale.precision)} (random ${f3(m.rationale.random_precision)})`,
      );
      expect(rat).toContain(m.rationale.rationale.join(', '));
      // Flagged exactly when comprehensiveness is not above random.
      const flagged = await host(page).evaluate(
        (el) => !!el.shadowRoot!.querySelector('.trust-comprehensiveness.warn'),
      );
      expect(flagged).toBe(f.comprehensiveness <= f.random_comprehensiveness);
      expect(comp!.includes('Not above random')).toBe(flagged);

      const svg = await host(page).evaluate(async (el) => {
        const blob = await (el as HTMLElement & { exportImage(f: 'svg'): Promise<Blob> }).exportImage('svg');
        const d = new DOMParser().parseFromString(await blob.text(), 'image/svg+xml');
        return [...d.getElementsByTagName('text')].map((t) => t.textContent ?? '');
      });
      expect(svg.some((t) => t.includes(`Comprehensiveness ${f3(f.comprehensiveness)}`))).toBe(true);
      expect(svg.some((t) => t.includes(`Sufficiency ${f3(f.sufficiency)}`))).toBe(true);
      expect(svg.some((t) => t.includes(`Rationale agreement ${f3(m.rationale.precision)}`))).toBe(true);
      expect(svg.some((t) => t.startsWith('Warning: Comprehensiveness'))).toBe(flagged);
      await snap(page, `reader-trust-${method}`);
      console.log(
        `${method}: comprehensiveness ${f3(f.comprehensiveness)} random ${f3(f.random_comprehensiveness)} rationale ${f3(m.rationale.precision)} random ${f3(m.rationale.random_precision)}`,
      );
      expect(errors).toEqual([]);
      await page.close();
    }, 150_000);
  }

  it('a map whose comprehensiveness is not above random is flagged, on screen and in the export', async () => {
    const { page, errors } = await browser.open(
      `${CAPTURE}<attn-heatmap src="${apiUrl}" model="brown-sentiment" explain="saliency" method="gradient_x_input" text="${attr(TEXT)}"></attn-heatmap>`,
      { base },
    );
    const doc = await drawnDocument<Doc>(page, 120_000);
    await waitForView(page, '.trust');
    expect(await host(page).evaluate((el) => !!el.shadowRoot!.querySelector('.trust .warn'))).toBe(false);
    // The same real document with the figures the issue measured for gradient × input elsewhere
    // (0.032 against 0.096 random) and a rationale missed.
    const m = doc.metrics as unknown as Metrics;
    const worse = {
      ...doc,
      metrics: {
        faithfulness: { ...m.faithfulness, comprehensiveness: 0.032, random_comprehensiveness: 0.096 },
        rationale: { ...m.rationale, precision: 0, random_precision: 0.091 },
      },
    };
    await page.locator('attn-heatmap').evaluate((el, d) => {
      (el as HTMLElement & { explanation: unknown }).explanation = d;
    }, worse);
    await expect
      .poll(() => shadowText(page, '.trust-comprehensiveness.warn'))
      .toBe(
        "Warning: Comprehensiveness 0.032 (random 0.096): removing the top-ranked tokens lowers the model's score for the target no more than removing random ones. Not above random: this map may not show what the model relies on.",
      );
    expect(await shadowText(page, '.trust-rationale.warn')).toMatch(
      /^Warning: Rationale agreement 0\.000 \(random 0\.091\): 0 of the \d+ words/,
    );
    const svg = await host(page).evaluate(async (el) => {
      const blob = await (el as HTMLElement & { exportImage(f: 'svg'): Promise<Blob> }).exportImage('svg');
      return blob.text();
    });
    await snap(page, 'reader-trust-flagged');
    expect(svg).toContain('Warning: Comprehensiveness 0.032 (random 0.096)');
    expect(errors).toEqual([]);
    await page.close();
  }, 150_000);
});
