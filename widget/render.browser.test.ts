/**
 * <attn-heatmap> in real Chromium: each source (data URL, inline u8 / f32 JSON, a mocked API), the
 * selectors redrawing the matrix, hostile token text, and error messages.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWidgetBuilt } from '../test/browser/build-widget.js';
import { type Browser, launchChromium } from '../test/browser/chromium.js';
import { expectedLabels, expectedMatrix, fixture, fixtureText, maxDiff } from '../test/browser/expected.js';
import { readGrid, snap, waitForGrid, waitForMessage } from '../test/browser/grid.js';

// The widget prints weights with three decimals.
const TOL = 6e-4;

let browser: Browser;
beforeAll(async () => {
  await ensureWidgetBuilt();
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const inline = (name: string, attrs = '') =>
  `<attn-heatmap ${attrs}><script type="application/json">${fixtureText(name)}</script></attn-heatmap>`;

async function pick(page: Page, label: 'Attention' | 'Layer' | 'Head', value: string) {
  await page.locator('attn-heatmap').getByRole('combobox', { name: label, exact: true }).selectOption(value);
}

describe('sources', () => {
  it('renders a u8 document from a static data URL', async () => {
    const { page, errors } = await browser.open(
      '<attn-heatmap data="fixtures/encoder-u8.json"></attn-heatmap>',
    );
    await waitForGrid(page);
    const doc = fixture('encoder-u8.json');
    const g = await readGrid(page);
    expect(g.rows).toEqual(expectedLabels(doc, 'encoder-self').rows);
    expect(g.cols).toEqual(expectedLabels(doc, 'encoder-self').cols);
    expect(maxDiff(g.values, expectedMatrix(doc, 'encoder-self', 0, 'mean'))).toBeLessThan(TOL);
    // Defaults are reflected onto the element.
    expect(g.attrs).toEqual({ group: 'encoder-self', layer: '0', head: 'mean' });
    expect(g.selects.group.options).toEqual(['encoder-self']);
    expect(g.selects.layer.options).toEqual(['0', '1']);
    expect(g.selects.head.options).toEqual(['mean', 'max', '0', '1', '2', '3']);
    expect(g.selects.view.options).toEqual(['matrix', 'model', 'lines']);
    // The strongest cell of the matrix takes the top of the colour scale.
    expect(Math.max(...g.fills.flat())).toBe(100);
    expect(g.tabStops).toBe(1);
    await snap(page, 'data-url-u8-light');
    expect(errors).toEqual([]);
  });

  it('renders inline JSON (u8, encoder-decoder): cross-attention by default, rows are output tokens', async () => {
    const { page, errors } = await browser.open(inline('encdec-u8.json', 'theme="dark"'));
    await waitForGrid(page);
    const doc = fixture('encdec-u8.json');
    const g = await readGrid(page);
    expect(g.selects.group.options).toEqual(['encoder-self', 'decoder-self', 'cross']);
    expect(g.attrs.group).toBe('cross');
    expect(g.rows).toEqual(expectedLabels(doc, 'cross').rows);
    expect(g.cols).toEqual(expectedLabels(doc, 'cross').cols);
    expect(g.rows).toContain('·chat');
    expect(maxDiff(g.values, expectedMatrix(doc, 'cross', 0, 'mean'))).toBeLessThan(TOL);
    await snap(page, 'inline-u8-encdec-cross-dark');
    expect(errors).toEqual([]);
  });

  it('renders inline JSON (f32) with a head subset (head_ids)', async () => {
    const { page, errors } = await browser.open(inline('encoder-f32.json', 'head="3"'));
    await waitForGrid(page);
    const doc = fixture('encoder-f32.json');
    let g = await readGrid(page);
    expect(g.selects.head.options).toEqual(['mean', 'max', '1', '3']);
    expect(g.attrs.head).toBe('3');
    expect(maxDiff(g.values, expectedMatrix(doc, 'encoder-self', 0, 3))).toBeLessThan(TOL);
    await pick(page, 'Head', '1');
    g = await readGrid(page);
    expect(g.attrs.head).toBe('1');
    expect(maxDiff(g.values, expectedMatrix(doc, 'encoder-self', 0, 1))).toBeLessThan(TOL);
    // A head the document does not hold falls back to the mean, and says so.
    await page.locator('attn-heatmap').evaluate((el) => el.setAttribute('head', '2'));
    await expect.poll(async () => (await readGrid(page)).attrs.head).toBe('mean');
    expect(
      maxDiff((await readGrid(page)).values, expectedMatrix(doc, 'encoder-self', 0, 'mean')),
    ).toBeLessThan(TOL);
    await snap(page, 'inline-f32-head-subset-light');
    expect(errors).toEqual([]);
  });

  it('the IIFE build defines the same element, upgrading it while the page is still parsing', async () => {
    // A classic script in <head> defines the element before the parser reaches it, so the inline
    // JSON child is not there yet at upgrade time: the element must wait for it.
    const { page, errors } = await browser.open(inline('decoder-f32.json'), { iife: true });
    await waitForGrid(page);
    const doc = fixture('decoder-f32.json');
    expect(
      maxDiff((await readGrid(page)).values, expectedMatrix(doc, 'decoder-self', 0, 'mean')),
    ).toBeLessThan(TOL);
    expect(
      await page.evaluate(() => typeof (window as unknown as { AttnHeatmap?: unknown }).AttnHeatmap),
    ).toBe('object');
    expect(errors).toEqual([]);
  });

  it('keeps an explanation property set before the element was defined', async () => {
    const doc = fixture('encoder-u8.json');
    const { page } = await browser.open(
      `<attn-heatmap id="early"></attn-heatmap><script>document.getElementById('early').explanation = ${JSON.stringify(doc)};</script>`,
      { iife: false },
    );
    await waitForGrid(page, '#early');
    expect(
      maxDiff((await readGrid(page, '#early')).values, expectedMatrix(doc, 'encoder-self', 0, 'mean')),
    ).toBeLessThan(TOL);
  });

  it('takes a document object through the explanation property', async () => {
    const { page } = await browser.open('<attn-heatmap></attn-heatmap>');
    expect(await waitForMessage(page, 'status')).toMatch(/No attention to show/);
    const doc = fixture('decoder-f32.json');
    await page.locator('attn-heatmap').evaluate((el, d) => {
      (el as HTMLElement & { explanation: unknown }).explanation = d;
    }, doc);
    await waitForGrid(page);
    expect(
      maxDiff((await readGrid(page)).values, expectedMatrix(doc, 'decoder-self', 0, 'mean')),
    ).toBeLessThan(TOL);
  });
});

describe('selectors', () => {
  it('layer and head selectors (and attributes) change the drawn data', async () => {
    const { page, errors } = await browser.open(
      '<attn-heatmap data="fixtures/decoder-f32.json"></attn-heatmap>',
    );
    await waitForGrid(page);
    const doc = fixture('decoder-f32.json');
    const shown = async () => (await readGrid(page)).values;
    const before = await shown();
    expect(maxDiff(before, expectedMatrix(doc, 'decoder-self', 0, 'mean'))).toBeLessThan(TOL);
    // Decoder self-attention is causal: nothing above the diagonal.
    expect(before.every((row, r) => row.every((v, c) => c <= r || v === 0))).toBe(true);

    await pick(page, 'Layer', '1');
    const layer1 = await shown();
    expect(maxDiff(layer1, before)).toBeGreaterThan(0.01);
    expect(maxDiff(layer1, expectedMatrix(doc, 'decoder-self', 1, 'mean'))).toBeLessThan(TOL);
    expect((await readGrid(page)).attrs.layer).toBe('1');

    await pick(page, 'Head', '1');
    expect(maxDiff(await shown(), expectedMatrix(doc, 'decoder-self', 1, 1))).toBeLessThan(TOL);
    expect((await readGrid(page)).attrs).toMatchObject({ layer: '1', head: '1' });
    expect((await readGrid(page)).caption).toMatch(/layer 1, head 1/);

    // Attributes set from outside drive the same state, and the selects follow.
    await page.locator('attn-heatmap').evaluate((el) => {
      el.setAttribute('layer', '0');
      el.setAttribute('head', '0');
    });
    await expect.poll(async () => (await readGrid(page)).selects.layer.value).toBe('0');
    const g = await readGrid(page);
    expect(g.selects.head.value).toBe('0');
    expect(maxDiff(g.values, expectedMatrix(doc, 'decoder-self', 0, 0))).toBeLessThan(TOL);
    // …and so do the layer / head properties.
    const props = await page.locator('attn-heatmap').evaluate((el) => {
      const e = el as HTMLElement & { layer: number | null; head: number | 'mean' };
      const read = { layer: e.layer, head: e.head };
      e.head = 'mean';
      return read;
    });
    expect(props).toEqual({ layer: 0, head: 0 });
    await expect.poll(async () => (await readGrid(page)).selects.head.value).toBe('mean');
    expect(errors).toEqual([]);
  });

  it('the group selector switches between encoder self, decoder self and cross-attention', async () => {
    const { page } = await browser.open('<attn-heatmap data="fixtures/encdec-u8.json"></attn-heatmap>');
    await waitForGrid(page);
    const doc = fixture('encdec-u8.json');
    for (const group of ['encoder-self', 'decoder-self', 'cross'] as const) {
      await pick(page, 'Attention', group);
      await pick(page, 'Layer', '1');
      const g = await readGrid(page);
      expect(g.attrs).toMatchObject({ group, layer: '1' });
      expect({ rows: g.rows, cols: g.cols }).toEqual(expectedLabels(doc, group));
      expect(maxDiff(g.values, expectedMatrix(doc, group, 1, 'mean'))).toBeLessThan(TOL);
    }
    await snap(page, 'group-cross-layer1-light');
  });
});

describe('safety', () => {
  it('renders hostile token text as text: no img or script elements, no dialog', async () => {
    const { page, errors, dialogs } = await browser.open(
      '<attn-heatmap data="fixtures/xss-u8.json"></attn-heatmap>',
    );
    await waitForGrid(page);
    const g = await readGrid(page);
    expect(g.rows).toContain('<img src=x onerror=alert(1)>');
    expect(g.rows).toContain('<script>alert(1)</script>');
    expect(g.cols).toContain('&amp; "q\'');
    // Hover and focus put the token texts into the readout and the live region as well.
    const cell = page.locator('attn-heatmap').getByRole('gridcell').nth(6);
    await cell.hover();
    await cell.focus();
    await page.waitForTimeout(200);
    const found = await page.locator('attn-heatmap').evaluate((el) => ({
      inShadow: el.shadowRoot!.querySelectorAll('img, script, b:not(.readout b)').length,
      inDocument: document.querySelectorAll('img').length,
      modelText: el.shadowRoot!.querySelector('.model-id')?.textContent,
      readout: el.shadowRoot!.querySelector('.readout')?.textContent,
    }));
    expect(found).toMatchObject({ inShadow: 0, inDocument: 0, modelText: '<b>tiny-bert</b>' });
    expect(found.readout).toContain('<img src=x onerror=alert(1)>');
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await snap(page, 'xss-tokens-as-text-light');
  });
});

describe('errors', () => {
  it('shows an error document as message and code', async () => {
    const { page } = await browser.open('<attn-heatmap data="fixtures/error.json"></attn-heatmap>');
    const text = await waitForMessage(page, 'alert');
    expect(text).toContain('Text is longer than the 512 characters this model takes.');
    expect(text).toContain('text_too_long');
    await snap(page, 'error-document-light');
  });

  it('shows a missing data URL and a malformed document clearly', async () => {
    const { page } = await browser.open(
      '<attn-heatmap id="a" data="fixtures/nope.json"></attn-heatmap>' +
        '<attn-heatmap id="b"><script type="application/json">{"schema": "attn-heatmap/explanation@1", </script></attn-heatmap>' +
        `<attn-heatmap id="c"><script type="application/json">${JSON.stringify({
          ...fixture('encoder-u8.json'),
          attention: [{ ...fixture('encoder-u8.json').attention![0], rows: 3 }],
        })}</script></attn-heatmap>`,
    );
    expect(await waitForMessage(page, 'alert', '#a')).toMatch(/404.*http_404/);
    expect(await waitForMessage(page, 'alert', '#b')).toContain('bad_json');
    expect(await waitForMessage(page, 'alert', '#c')).toMatch(
      /attention\[0\]\.data must hold 108 bytes.*invalid_document/,
    );
  });

  it('asks the API with u8 encoding and shows an HTTP 4xx error body as message and code', async () => {
    const bodies: unknown[] = [];
    const { page } = await browser.open(
      '<attn-heatmap src="http://api.test/" model="tiny-marian" text="the cat" target-text="le chat"></attn-heatmap>',
      {
        setup: (p) =>
          p.route('http://api.test/v1/attention', async (route) => {
            bodies.push(route.request().postDataJSON());
            const ok = bodies.length > 1;
            await route.fulfill({
              status: ok ? 200 : 422,
              contentType: 'application/json',
              headers: { 'access-control-allow-origin': '*' },
              body: ok
                ? fixtureText('encdec-u8.json')
                : JSON.stringify({
                    error: { code: 'too_many_tokens', message: 'The text has 600 tokens; the limit is 512.' },
                  }),
            });
          }),
      },
    );
    const text = await waitForMessage(page, 'alert');
    expect(text).toContain('The text has 600 tokens; the limit is 512.');
    expect(text).toContain('too_many_tokens');
    expect(bodies[0]).toEqual({
      model: 'tiny-marian',
      text: 'the cat',
      encoding: 'u8',
      target_text: 'le chat',
    });
    await snap(page, 'api-422-light');
    // Changing an attribute asks again; this time the (mocked) API answers with a document.
    await page.locator('attn-heatmap').evaluate((el) => el.setAttribute('text', 'the cat sat'));
    await waitForGrid(page);
    expect(bodies[1]).toMatchObject({ text: 'the cat sat' });
  });
});
