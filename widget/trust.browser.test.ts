/**
 * The trust panel in real Chromium against the real API (`wrangler dev`): the reliability metrics a
 * page asks for (`metrics="…"`) on screen beside the saliency and attention views, significant tokens
 * marked in the map and named to a screen reader, the panel reachable by Tab, the lines in the export.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ExplanationDocument as Doc } from '../shared/schema/document.js';
import { ensureWidgetBuilt } from '../test/browser/build-widget.js';
import { attr, CAPTURE, drawnDocument } from '../test/browser/capture.js';
import { type Browser, launchChromium } from '../test/browser/chromium.js';
import { host, waitForView } from '../test/browser/views.js';

const apiUrl = inject('apiUrl');
const base = `${apiUrl}/__widget-test__`;

let browser: Browser;
beforeAll(async () => {
  await ensureWidgetBuilt();
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

const svgText = (page: Parameters<typeof host>[0]) =>
  host(page).evaluate(async (el) => {
    const blob = await (el as HTMLElement & { exportImage(f: 'svg'): Promise<Blob> }).exportImage('svg');
    const d = new DOMParser().parseFromString(await blob.text(), 'image/svg+xml');
    return [...d.getElementsByTagName('text')].map((t) => t.textContent ?? '');
  });

describe('the trust panel shows the metrics asked for', () => {
  it('saliency: significance marks tokens, sanity and stability have their lines, all in the export', async () => {
    const { page, errors } = await browser.open(
      `${CAPTURE}<attn-heatmap src="${apiUrl}" model="tiny-bert" explain="saliency" method="gradient_x_input" metrics="stability significance sanity" text="${attr('the cat sat on the mat.')}"></attn-heatmap>`,
      { base },
    );
    const doc = await drawnDocument<Doc>(page, 120_000);
    await waitForView(page, '.trust-sanity');
    const sig = doc.metrics!.significance!.gradient_x_input.significant;
    const state = await host(page).evaluate((el) => {
      const r = el.shadowRoot!;
      return {
        marked: [...r.querySelectorAll('.sal .tk')].flatMap((t, i) =>
          t.classList.contains('sig') ? [i] : [],
        ),
        labels: [...r.querySelectorAll('.sal .tk.sig')].map((t) => t.getAttribute('aria-label') ?? ''),
        keys: [...r.querySelectorAll('.trust li')].map((l) => l.className),
        tab: r.querySelector('.trust')?.getAttribute('tabindex'),
        name: r.querySelector('.trust')?.getAttribute('aria-label'),
      };
    });
    expect(state.marked).toEqual(sig);
    for (const l of state.labels) expect(l).toMatch(/, significant$/);
    expect(state.keys.some((k) => k.startsWith('trust-stability'))).toBe(true);
    expect(state.keys.some((k) => k.startsWith('trust-significance'))).toBe(true);
    expect(state.tab).toBe('0');
    expect(state.name).toBe('How far to trust this map');
    const svg = await svgText(page);
    expect(svg.some((t) => t.includes('Sanity (Adebayo et al. 2018)'))).toBe(true);
    expect(svg.some((t) => t.startsWith('Stability ρ'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 150_000);

  it('attention: per-head stability and agreement beside the matrix, and in its export', async () => {
    const { page, errors } = await browser.open(
      `${CAPTURE}<attn-heatmap src="${apiUrl}" model="tiny-bert" metrics="stability agreement" text="${attr('the cat sat on the mat.')}"></attn-heatmap>`,
      { base },
    );
    await drawnDocument<Doc>(page, 120_000);
    await waitForView(page, '.trust-agreement');
    const text = await host(page).evaluate(
      (el) => el.shadowRoot!.querySelector('.trust-stability')?.textContent ?? '',
    );
    expect(text).toContain('Attention stability over');
    expect(text).toContain('least stable layer');
    const svg = await svgText(page);
    expect(svg.some((t) => t.includes('Attention vs gradients'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 150_000);
});
