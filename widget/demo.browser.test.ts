/**
 * The demo page in real Chromium against the real worker (its /v1/* behind the page): the Explain
 * menu offers exactly each model's saliency_methods from GET /v1/models, and the button says what
 * it will do.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureWidgetBuilt } from '../test/browser/build-widget.js';
import { type Browser, launchChromium } from '../test/browser/chromium.js';

const apiUrl = inject('apiUrl');
let browser: Browser;
let served: { id: string; saliency_methods: string[] }[];

beforeAll(async () => {
  await ensureWidgetBuilt();
  browser = await launchChromium();
  served = (await fetch(`${apiUrl}/v1/models`).then((r) => r.json())).models;
});
afterAll(async () => browser?.close());

async function demo(): Promise<Page> {
  const { page } = await browser.open('', { base: apiUrl, path: '/', passthrough: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  // the menu is filled once GET /v1/models has answered
  await page.waitForFunction(
    () => (document.getElementById('explain') as HTMLSelectElement).options.length > 1,
  );
  return page;
}

const options = (page: Page) =>
  page.$$eval('#explain option', (os) => os.map((o) => (o as HTMLOptionElement).value));

describe('the demo page', () => {
  it("offers exactly each model's methods, from GET /v1/models", async () => {
    const page = await demo();
    const seq2seq = served.find((m) => m.id === 'brown-seq2seq')!;
    expect(seq2seq.saliency_methods).not.toContain('attention_x_gradient');
    const sentiment = served.find((m) => m.id === 'brown-sentiment')!;
    for (const m of ['gradient', 'smoothgrad', 'attention_x_gradient'])
      expect(sentiment.saliency_methods).toContain(m);
    const ids = await page.$$eval('#model option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(ids).toEqual(served.map((m) => m.id));
    for (const m of served) {
      await page.selectOption('#model', m.id);
      expect(await options(page)).toEqual(['attention', ...m.saliency_methods, 'probe']);
    }
    await page.close();
  });

  it('the button says what it will do', async () => {
    const page = await demo();
    const button = page.locator('#go');
    expect(await button.textContent()).toBe('Show attention');
    await page.selectOption('#explain', 'smoothgrad');
    expect(await button.textContent()).toBe('Show smoothgrad saliency');
    await page.selectOption('#explain', 'gradient_x_input');
    expect(await button.textContent()).toBe('Show gradient × input saliency');
    await page.selectOption('#explain', 'probe');
    expect(await button.textContent()).toBe('Train probes on brown-sentiment');
    await page.close();
  });
});
