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
import { type Browser, launchChromium } from '../test/browser/chromium.js';
import { waitForGrid } from '../test/browser/grid.js';
import { host, waitForView } from '../test/browser/views.js';

const apiUrl = inject('apiUrl');
const base = `${apiUrl}/__widget-test__`;

let browser: Browser;
beforeAll(async () => {
  await ensureWidgetBuilt();
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
const CAPTURE = `<script>document.addEventListener('attn-load', (e) => { window.__doc = e.detail.document; });</script>`;

async function drawnDocument(page: Page): Promise<Doc> {
  const h = await page.waitForFunction(() => (window as unknown as { __doc?: unknown }).__doc, null, {
    timeout: 60_000,
  });
  return (await h.jsonValue()) as Doc;
}

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
      const doc = await drawnDocument(page);
      expect(doc.output).toBeDefined();
      const line = await shadowText(page, '.prediction');
      expect(line).not.toBeNull();
      expect(line!.startsWith(c.expected(doc))).toBe(true);
      // The runner-up is there too, so a close call reads as one.
      if (doc.model.family !== 'encoder-decoder') {
        const [second] = Object.entries(doc.output!.scores!).sort((a, b) => b[1] - a[1])[1];
        expect(line).toContain(doc.model.family === 'decoder' ? `‘${second}’` : second);
      }
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
    const doc = await drawnDocument(page);
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
