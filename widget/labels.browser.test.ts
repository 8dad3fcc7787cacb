/**
 * What the widget tells the reader about what it shows, in real Chromium: the legend names what is
 * drawn (attention weight, rollout, flow) in the matrix and the model view; the group name
 * `decoder-cross` works as README gives it and stays as written; and an over-limit option (flow on
 * 36 tokens, against the real API) leaves the other views in place with a notice naming the option
 * and its limit.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExplanationDocument as Doc } from '../shared/schema/document.js';
import { FLOW_MAX_TOKENS } from '../shared/schema/limits.js';
import { ensureWidgetBuilt } from '../test/browser/build-widget.js';
import { attr, CAPTURE, drawnDocument } from '../test/browser/capture.js';
import { type Browser, launchChromium } from '../test/browser/chromium.js';
import { readGrid, snap, waitForGrid } from '../test/browser/grid.js';
import { attrs, host, waitForView } from '../test/browser/views.js';

const apiUrl = inject('apiUrl');

let browser: Browser;
beforeAll(async () => {
  await ensureWidgetBuilt();
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const ANALYSIS = 'encdec-analysis-u8.json';
const open = (attributes: string) =>
  browser.open(`<attn-heatmap data="fixtures/${ANALYSIS}" ${attributes}></attn-heatmap>`);

const shadowTexts = (page: Page, sel: string) =>
  host(page).evaluate(
    (el, s) => [...el.shadowRoot!.querySelectorAll(s)].map((x) => x.textContent ?? ''),
    sel,
  );

describe('the legend names what the colours measure', () => {
  const CASES = [
    ['encoder-self', 'Attention weight'],
    ['encoder-rollout', 'Attention rollout'],
    ['encoder-flow', 'Attention flow'],
  ] as const;
  for (const [group, label] of CASES) {
    it(`${group}: "${label}" under the matrix and under the model view's thumbnails`, async () => {
      let { page, errors } = await open(`view="matrix" group="${group}" layer="1"`);
      await waitForGrid(page);
      expect(await shadowTexts(page, '.legend-label')).toEqual([label]);
      await page.close();

      ({ page, errors } = await open(`view="model" group="${group}"`));
      await waitForView(page, '.thumb canvas');
      expect(await shadowTexts(page, '.legend-label')).toEqual([label]);
      // Each thumbnail has its own scale, so the ticks read relative to it, not as one number.
      expect(await shadowTexts(page, '.legend-ticks span')).toEqual(['0', '½ max', 'max']);
      if (group === 'encoder-flow') await snap(page, 'labels-model-legend-flow');
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});

describe('group names', () => {
  it('decoder-cross shows cross-attention and stays as the page wrote it', async () => {
    const { page, errors } = await open('view="matrix" group="decoder-cross" layer="1" head="2"');
    await waitForGrid(page);
    const g = await readGrid(page);
    expect(g.caption).toMatch(/^Cross-attention, layer 1, head 2/);
    expect(g.selects.group.value).toBe('cross');
    expect((await attrs(page)).group).toBe('decoder-cross');
    // Another group picked in the selector is reflected as usual.
    await host(page).getByRole('combobox', { name: 'Attention', exact: true }).selectOption('encoder-self');
    await expect.poll(async () => (await attrs(page)).group).toBe('encoder-self');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('an option over its own limit', () => {
  it('flow on 36 tokens: attention and rollout shown, and a notice names flow and its limit', async () => {
    const text = 'word '.repeat(34).trim();
    const { page, errors } = await browser.open(
      `${CAPTURE}<attn-heatmap src="${apiUrl}" model="tiny-bert" text="${attr(text)}" analyses="rollout flow"></attn-heatmap>`,
      { base: `${apiUrl}/__widget-test__` },
    );
    await waitForGrid(page);
    const doc = await drawnDocument<Doc>(page, 120_000);
    const n = doc.input.tokens.length;
    expect(n).toBe(36);
    expect(await shadowTexts(page, '.notice')).toEqual([
      `Flow is limited to ${FLOW_MAX_TOKENS} tokens (this text has ${n}); showing attention and rollout without it.`,
    ]);
    expect(await shadowTexts(page, '[role=alert]')).toEqual([]);
    const g = await readGrid(page);
    expect(g.selects.group.options).toEqual(['encoder-self', 'encoder-rollout']);
    await snap(page, 'labels-flow-over-limit');
    // The browser logs the refused first request itself; nothing else may be logged.
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.close();
  });
});
