/**
 * Long texts in real Chromium: a 512-token document in the canvas matrix (token labels at Fit,
 * bounded wheel zoom that leaves the page where it is, the token search, the legend naming the
 * colour scale, the minimap) and in the lines view (drawn, not refused; the threshold, the limit and
 * the head filter reduce the lines drawn).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWidgetBuilt } from '../test/browser/build-widget.js';
import { type Browser, launchChromium } from '../test/browser/chromium.js';
import { largeDocument } from '../test/browser/large.js';
import { shimNames } from '../test/browser/perf.js';
import { host, waitForView } from '../test/browser/views.js';

let browser: Browser;
const N = 512;
let doc: Record<string, unknown>;
beforeAll(async () => {
  await ensureWidgetBuilt();
  browser = await launchChromium();
  doc = largeDocument(N, { layers: 1, heads: 4 }).doc;
});
afterAll(async () => browser?.close());

/** A page taller than the window (so it could scroll) with the widget set to `doc`. */
async function openLarge(view: string, extra = '') {
  const t = await browser.open(
    `<attn-heatmap view="${view}" ${extra} style="max-width:860px"></attn-heatmap><div style="height:3000px"></div>`,
  );
  await shimNames(t.page);
  await t.page.waitForFunction(() => customElements.get('attn-heatmap'));
  await host(t.page).evaluate((el, d) => {
    (el as HTMLElement & { explanation: unknown }).explanation = d;
  }, doc);
  return t;
}

const labelsDrawn = (page: Page) =>
  host(page).evaluate((el) => {
    const c = el.shadowRoot!.querySelector<HTMLCanvasElement>('.stage canvas:not(.over)')!;
    const nums = (s?: string) => (s ? s.split(',').map(Number) : []);
    return {
      rows: nums(c.dataset.rowLabels),
      cols: nums(c.dataset.colLabels),
      step: Number(c.dataset.labelStep),
    };
  });
const level = async (page: Page) =>
  Number.parseInt((await host(page).locator('.zoom-level').textContent()) ?? '0', 10);

/** Every window of 32 consecutive indices in [0, n) holds at least one of `drawn`. */
function everyWindowLabelled(drawn: number[], n: number, w: number): boolean {
  const set = new Set(drawn);
  for (let s = 0; s + w <= n; s++) {
    let ok = false;
    for (let i = s; i < s + w && !ok; i++) ok = set.has(i);
    if (!ok) return false;
  }
  return true;
}

describe('a 512-token matrix', () => {
  it('at Fit labels at least one token per 32 on both axes, never overlapping, and more when zoomed', async () => {
    const { page, errors } = await openLarge('matrix');
    await waitForView(page, 'canvas.over');
    await expect.poll(async () => (await labelsDrawn(page)).rows.length).toBeGreaterThan(0);
    expect(await level(page)).toBe(100);
    const fit = await labelsDrawn(page);
    expect(everyWindowLabelled(fit.rows, N, 32)).toBe(true);
    expect(everyWindowLabelled(fit.cols, N, 32)).toBe(true);
    // Labels are drawn every `step` cells; a cell is plotW / N pixels: their centres are ≥ 13 px apart.
    const plotW = await host(page).evaluate(
      (el) => el.shadowRoot!.querySelector<HTMLCanvasElement>('canvas.over')!.clientWidth - 84,
    );
    expect((fit.step * Math.min(plotW, 720)) / N).toBeGreaterThanOrEqual(13);
    await host(page).getByRole('button', { name: 'Zoom in' }).click();
    await host(page).getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => level(page)).toBe(225);
    const zoomed = await labelsDrawn(page);
    expect(zoomed.step).toBeLessThan(fit.step);
    expect(errors).toEqual([]);
  });

  it('the wheel zooms by a bounded factor per event, at the pointer, and the page does not scroll', async () => {
    const { page, errors } = await openLarge('matrix');
    await waitForView(page, 'canvas.over');
    const c = host(page).locator('canvas.over');
    const box = (await c.boundingBox())!;
    await page.mouse.move(box.x + 84 + 200, box.y + 64 + 200);
    let prev = await level(page);
    for (const dy of [-500, -100, -500, 300]) {
      await page.mouse.wheel(0, dy);
      await expect.poll(() => level(page)).not.toBe(prev);
      const now = await level(page);
      const f = now / prev;
      expect(Math.max(f, 1 / f)).toBeLessThanOrEqual(1.26);
      prev = now;
    }
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    // Zoomed: the minimap shows; a click on its bottom-right corner moves the view there.
    await waitForView(page, 'canvas.mini');
    const before = await labelsDrawn(page);
    const mini = (await host(page).locator('canvas.mini').boundingBox())!;
    await page.mouse.click(mini.x + mini.width - 2, mini.y + mini.height - 2);
    await expect
      .poll(async () => Math.max(...(await labelsDrawn(page)).rows))
      .toBeGreaterThan(Math.max(...before.rows));
    // Outside the matrix the wheel scrolls the page as usual.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height + 60);
    await page.mouse.wheel(0, 200);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('the token search jumps to the token and names the match; the legend names the scale', async () => {
    const { page, errors } = await openLarge('matrix');
    await waitForView(page, 'canvas.over');
    const legend = () => host(page).locator('.legend').textContent();
    expect(await legend()).toContain('Per-row scale');
    await host(page).getByRole('combobox', { name: 'Colour scale' }).selectOption('quantile');
    await expect.poll(legend).toContain('Quantile scale');
    await host(page).getByRole('combobox', { name: 'Colour scale' }).selectOption('linear');
    await expect.poll(legend).toContain('Linear scale from 0 to');
    // Keyboard: Tab reaches the search box by its label; Enter jumps to [SEP], the last token.
    const box = host(page).getByRole('searchbox', { name: 'Find token' });
    await box.focus();
    await page.keyboard.type('[sep]');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => host(page).locator('.found').textContent())
      .toBe(`1 of 1: row ${N - 1}, column ${N - 1}`);
    const l = await labelsDrawn(page);
    expect(l.step).toBe(1);
    expect(l.rows).toContain(N - 1);
    expect(l.cols).toContain(N - 1);
    expect(await host(page).locator('[aria-live=polite]').textContent()).toContain('[SEP]: match 1 of 1');
    expect(errors).toEqual([]);
  });
});

describe('the lines view at 512 tokens', () => {
  const lines = (page: Page) =>
    host(page).evaluate((el) =>
      Number(el.shadowRoot!.querySelector<HTMLCanvasElement>('.cols canvas')!.dataset.lines),
    );

  it('draws the document (not a refusal), and threshold, limit and head filter reduce the lines', async () => {
    const { page, errors } = await openLarge('lines', 'head="all"');
    await waitForView(page, '.cols canvas');
    expect(await host(page).locator('li.tk').count()).toBe(2 * N);
    await expect.poll(() => lines(page)).toBeGreaterThan(0);
    // Past 256 tokens the strongest 2,000 are drawn by default; "All" draws more.
    expect(await lines(page)).toBe(2000);
    await host(page).getByRole('combobox', { name: 'Strongest lines' }).selectOption('0');
    await expect.poll(() => lines(page)).toBeGreaterThan(2000);
    const all = await lines(page);
    // The canvas spans the panel between the columns (more than the old fixed 200 px).
    const w = await host(page).evaluate((el) => el.shadowRoot!.querySelector('.cols canvas')!.clientWidth);
    expect(w).toBeGreaterThan(400);
    // Threshold: 30% of the largest weight.
    await host(page).getByRole('slider', { name: 'Threshold' }).fill('0.3');
    await expect.poll(() => lines(page)).toBeLessThan(all);
    const thresholded = await lines(page);
    expect(thresholded).toBeGreaterThan(0);
    // Head filter: leaving out head 0 draws fewer lines.
    await host(page).getByRole('checkbox', { name: 'head 0' }).uncheck();
    await expect.poll(() => lines(page)).toBeLessThan(thresholded);
    // Scrolling the columns keeps the canvas in view.
    await host(page)
      .locator('.cols')
      .evaluate((el) => {
        el.scrollTop = 4000;
      });
    const top = await host(page).evaluate((el) => {
      const cols = el.shadowRoot!.querySelector('.cols')!.getBoundingClientRect();
      const c = el.shadowRoot!.querySelector('.cols canvas')!.getBoundingClientRect();
      return { cols: cols.top, canvas: c.top, bottom: c.bottom, colsBottom: cols.bottom };
    });
    expect(top.canvas).toBeLessThanOrEqual(top.cols + 1);
    expect(top.bottom).toBeGreaterThanOrEqual(top.colsBottom - 1);
    expect(errors).toEqual([]);
  });
});
