/**
 * Keyboard and screen-reader behaviour in real Chromium: ARIA grid roles, roving tabindex, arrow /
 * Home / End navigation, the polite live region, the visible focus ring, hover readout, themes.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWidgetBuilt } from '../test/browser/build-widget.js';
import { type Browser, launchChromium } from '../test/browser/chromium.js';
import { expectedLabels, expectedMatrix, fixture } from '../test/browser/expected.js';
import { snap, waitForGrid } from '../test/browser/grid.js';

let browser: Browser;
beforeAll(async () => {
  await ensureWidgetBuilt();
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const doc = fixture('encoder-u8.json');
const labels = expectedLabels(doc, 'encoder-self');
const weights = expectedMatrix(doc, 'encoder-self', 0, 'mean');
const n = labels.rows.length;
const BODY =
  '<button id="before">before</button><attn-heatmap data="fixtures/encoder-u8.json"></attn-heatmap>';

/** Position of the focused cell inside the shadow root, its tabindex and outline. */
async function focusedCell(page: Page) {
  return page.evaluate(() => {
    const host = document.activeElement;
    const el = host?.shadowRoot?.activeElement as HTMLTableCellElement | null | undefined;
    if (host?.localName !== 'attn-heatmap' || !el || el.localName !== 'td') return null;
    const style = getComputedStyle(el);
    return {
      r: (el.parentElement as HTMLTableRowElement).rowIndex - 1,
      c: el.cellIndex - 1,
      tabindex: el.getAttribute('tabindex'),
      role: el.getAttribute('role'),
      outline: `${style.outlineStyle} ${style.outlineWidth}`,
    };
  });
}

async function liveRegion(page: Page): Promise<string> {
  return page
    .locator('attn-heatmap')
    .evaluate((el) => el.shadowRoot!.querySelector('[aria-live=polite]')!.textContent!);
}

/** "row → col: 0.123" for cell (r, c), checked against the document within print precision. */
async function expectAnnounced(page: Page, r: number, c: number) {
  await expect.poll(() => liveRegion(page)).toContain(`${labels.rows[r]} → ${labels.cols[c]}: `);
  const value = Number((await liveRegion(page)).split(': ').pop());
  expect(Math.abs(value - weights[r][c])).toBeLessThan(6e-4);
}

describe('keyboard', () => {
  it('exposes an ARIA grid with row and column headers and labelled selects', async () => {
    const { page } = await browser.open(BODY);
    await waitForGrid(page);
    const w = page.locator('attn-heatmap');
    await expect.poll(() => w.getByRole('grid').count()).toBe(1);
    expect(await w.getByRole('row').count()).toBe(n + 1);
    expect(await w.getByRole('gridcell').count()).toBe(n * n);
    expect(await w.getByRole('columnheader').count()).toBe(n + 1);
    expect(await w.getByRole('rowheader').count()).toBe(n);
    expect(await w.getByRole('rowheader').first().textContent()).toBe('[CLS]');
    for (const name of ['View', 'Attention', 'Layer', 'Head']) {
      expect(await w.getByRole('combobox', { name, exact: true }).count()).toBe(1);
    }
    expect(await w.getByRole('grid').getAttribute('aria-label')).toMatch(
      /Encoder self-attention, layer 0, mean of 4 heads/,
    );
  });

  it('Tab reaches one cell; arrows, Home/End and Ctrl+Home/End move focus and the live region announces it', async () => {
    const { page, errors } = await browser.open(BODY);
    await waitForGrid(page);
    await page.locator('#before').focus();
    // Four selects (view, attention, layer, head) and three zoom buttons, then the grid's single tab stop.
    for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
    expect(await focusedCell(page)).toMatchObject({
      r: 0,
      c: 0,
      tabindex: '0',
      role: 'gridcell',
      outline: 'solid 3px',
    });
    await expectAnnounced(page, 0, 0);

    const steps: [string, number, number][] = [
      ['ArrowRight', 0, 1],
      ['ArrowDown', 1, 1],
      ['ArrowDown', 2, 1],
      ['ArrowLeft', 2, 0],
      ['ArrowLeft', 2, 0], // stays at the edge
      ['End', 2, n - 1],
      ['Home', 2, 0],
      ['Control+End', n - 1, n - 1],
      ['ArrowDown', n - 1, n - 1],
      ['PageUp', n - 6, n - 1],
      ['Control+Home', 0, 0],
      ['PageDown', 5, 0],
      ['ArrowRight', 5, 1],
    ];
    for (const [key, r, c] of steps) {
      await page.keyboard.press(key);
      expect({ key, ...(await focusedCell(page)) }).toMatchObject({ key, r, c, tabindex: '0' });
      await expectAnnounced(page, r, c);
    }
    // Roving tabindex: exactly one cell is in the tab order, and it is the focused one.
    const tabStops = await page
      .locator('attn-heatmap')
      .evaluate((el) => el.shadowRoot!.querySelectorAll('td[tabindex="0"]').length);
    expect(tabStops).toBe(1);
    await snap(page, 'keyboard-focus-light');

    // Shift+Tab leaves the grid; Tab comes back to the same cell.
    await page.keyboard.press('Shift+Tab');
    expect(await focusedCell(page)).toBeNull();
    await page.keyboard.press('Tab');
    expect(await focusedCell(page)).toMatchObject({ r: 5, c: 1 });
    expect(errors).toEqual([]);
  });

  it('the focused cell survives a layer change and reads the new weight', async () => {
    const { page } = await browser.open(BODY);
    await waitForGrid(page);
    const w = page.locator('attn-heatmap');
    await w
      .getByRole('gridcell')
      .nth(n + 2)
      .click(); // row 1, column 2
    expect(await focusedCell(page)).toMatchObject({ r: 1, c: 2 });
    await w.getByRole('combobox', { name: 'Layer', exact: true }).selectOption('1');
    await w.getByRole('grid').focus();
    await page.keyboard.press('Tab');
    await page.locator('#before').focus();
    for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
    expect(await focusedCell(page)).toMatchObject({ r: 1, c: 2 });
    const value = Number((await liveRegion(page)).split(': ').pop());
    expect(Math.abs(value - expectedMatrix(doc, 'encoder-self', 1, 'mean')[1][2])).toBeLessThan(6e-4);
  });

  it('hover shows both tokens and the weight in the readout', async () => {
    const { page } = await browser.open(BODY);
    await waitForGrid(page);
    const w = page.locator('attn-heatmap');
    await w
      .getByRole('gridcell')
      .nth(3 * n + 4)
      .hover(); // row 3, column 4
    const readout = () => w.evaluate((el) => el.shadowRoot!.querySelector('.readout')!.textContent!);
    await expect.poll(readout).toContain(`${labels.rows[3]} → ${labels.cols[4]}: `);
    expect(Math.abs(Number((await readout()).split(': ').pop()) - weights[3][4])).toBeLessThan(6e-4);
    // Hover highlights the row and column headers of the cell.
    const hl = await w.evaluate((el) =>
      [...el.shadowRoot!.querySelectorAll('th.hl')].map((th) => th.textContent),
    );
    expect(hl.sort()).toEqual([labels.rows[3], labels.cols[4]].sort());
    await snap(page, 'hover-readout-light');
  });
});

describe('themes', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`follows prefers-color-scheme: ${scheme}`, async () => {
      const { page } = await browser.open(BODY, { colorScheme: scheme });
      await waitForGrid(page);
      await page
        .locator('attn-heatmap')
        .getByRole('gridcell')
        .nth(2 * n + 3)
        .focus();
      const bg = await page.locator('attn-heatmap').evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(bg).toBe(scheme === 'dark' ? 'rgb(21, 25, 30)' : 'rgb(255, 255, 255)');
      await snap(page, `theme-${scheme}-focus`);
    });
  }

  it('the theme attribute overrides the system scheme; custom properties restyle it', async () => {
    const { page } = await browser.open(
      '<style>.brand{--attn-heatmap-scale-high:rgb(200, 0, 0);--attn-heatmap-bg:rgb(1, 2, 3)}</style>' +
        '<div class="brand"><attn-heatmap theme="light" data="fixtures/encoder-u8.json"></attn-heatmap></div>',
      { colorScheme: 'dark' },
    );
    await waitForGrid(page);
    const colours = await page.locator('attn-heatmap').evaluate((el) => {
      const cells = [...el.shadowRoot!.querySelectorAll<HTMLElement>('td')];
      const top = cells.find((td) => td.style.getPropertyValue('--w') === '100%')!;
      return { bg: getComputedStyle(el).backgroundColor, top: getComputedStyle(top).backgroundColor };
    });
    expect(colours.bg).toBe('rgb(1, 2, 3)');
    // color-mix() reports the mix in oklab: rgb(200, 0, 0) is about oklab(0.523 0.187 0.105).
    expect(colours.top).toMatch(/^(rgb\(200, 0, 0\)|oklab\(0\.52\d* 0\.18\d* 0\.10\d*\))$/);
    await page.locator('attn-heatmap').evaluate((el) => el.setAttribute('theme', 'dark'));
    await snap(page, 'theme-attribute-custom-properties');
  });
});
