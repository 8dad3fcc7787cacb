/**
 * The widget against the real API (`wrangler dev`, started by test/setup/wrangler.ts, URL from
 * inject('apiUrl')): the three model families, an API error, a cross-origin embed, a probe
 * (explain="probe"), the demo page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ExplanationDocument } from '../shared/schema/document.js';
import { ensureWidgetBuilt } from '../test/browser/build-widget.js';
import { attr, CAPTURE, drawnDocument } from '../test/browser/capture.js';
import { type Browser, launchChromium } from '../test/browser/chromium.js';
import { type Doc, expectedLabels, expectedMatrix, type Group, maxDiff } from '../test/browser/expected.js';
import { readGrid, snap, waitForGrid, waitForMessage } from '../test/browser/grid.js';

const apiUrl = inject('apiUrl');
// Pages and bundle are served under the API's own origin (intercepted, never reaching wrangler), so
// the widget's requests are same-origin; the CORS test below embeds it from another origin.
const base = `${apiUrl}/__widget-test__`;

let browser: Browser;
beforeAll(async () => {
  await ensureWidgetBuilt();
  browser = await launchChromium();
});
afterAll(async () => browser?.close());

async function expectDrawn(page: Page, doc: Doc, group: Group) {
  const g = await readGrid(page);
  expect(g.attrs.group).toBe(group);
  expect({ rows: g.rows, cols: g.cols }).toEqual(expectedLabels(doc, group));
  expect(maxDiff(g.values, expectedMatrix(doc, group, Number(g.attrs.layer), 'mean'))).toBeLessThan(6e-4);
}

const CASES = [
  { model: 'tiny-bert', text: 'The cat sat on the mat.', groups: ['encoder-self'] },
  { model: 'tiny-gpt2', text: 'Once upon a time there was', groups: ['decoder-self'] },
  {
    model: 'tiny-marian',
    text: 'the cat sat on the mat.',
    target: 'le chat était assis sur le tapis.',
    groups: ['encoder-self', 'decoder-self', 'cross'],
  },
] as const;

describe('from the API (src)', () => {
  for (const c of CASES) {
    it(`${c.model}: asks POST /v1/attention and draws the answer`, async () => {
      const target = 'target' in c ? ` target-text="${attr(c.target)}"` : '';
      const { page, errors } = await browser.open(
        `${CAPTURE}<attn-heatmap src="${apiUrl}" model="${c.model}" text="${attr(c.text)}"${target}></attn-heatmap>`,
        { base },
      );
      await waitForGrid(page);
      const doc = await drawnDocument(page);
      // The API answers the contract, in u8 as the widget asked.
      expect(() => ExplanationDocument.parse(doc)).not.toThrow();
      expect(doc.attention?.every((e) => e.encoding === 'u8')).toBe(true);
      const g = await readGrid(page);
      expect(g.selects.group.options).toEqual([...c.groups]);
      // An encoder-decoder opens on cross-attention; every group draws the document's numbers.
      await expectDrawn(page, doc, c.groups.length === 3 ? 'cross' : c.groups[0]);
      for (const group of c.groups) {
        await page
          .locator('attn-heatmap')
          .getByRole('combobox', { name: 'Attention', exact: true })
          .selectOption(group);
        await page
          .locator('attn-heatmap')
          .getByRole('combobox', { name: 'Layer', exact: true })
          .selectOption({ index: 1 });
        await expectDrawn(page, doc, group);
      }
      await snap(page, `api-${c.model}`);
      expect(errors).toEqual([]);
    });
  }

  it('shows the API error (message and code) for a request it refuses', async () => {
    const body = { model: 'no-such-model', text: 'hello', encoding: 'u8' };
    const res = await fetch(`${apiUrl}/v1/attention`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    const { page, errors } = await browser.open(
      `<attn-heatmap src="${apiUrl}" model="no-such-model" text="hello"></attn-heatmap>`,
      { base },
    );
    const text = await waitForMessage(page, 'alert');
    expect(text).toContain(error.message);
    expect(text).toContain(error.code);
    await snap(page, 'api-error');
    // The browser logs the failed request itself; nothing else may be logged.
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });

  it('embeds on another origin (CORS)', async () => {
    // Chromium's Local Network Access treats a routed page as public and asks permission before it
    // may call a loopback API (a public API would not need it): grant it, then CORS decides.
    const url = new URL(apiUrl);
    url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
    await browser.context.grantPermissions(['local-network-access'], { origin: url.origin });
    const { page, errors } = await browser.open(
      `<attn-heatmap src="${apiUrl}" model="tiny-bert" text="Cross origin works."></attn-heatmap>`,
      { base: `${url.origin}/__widget-test__` },
    );
    await waitForGrid(page);
    expect((await readGrid(page)).rows.length).toBeGreaterThan(2);
    expect(errors).toEqual([]);
  });
});

describe('probe from the API (explain="probe")', () => {
  it('tiny-bert, layers "0 1": POSTs { model, layers } to /v1/probe and shows its per-layer table', async () => {
    // The page records what the element asks for (it may ask before a listener could be attached).
    const record = `<script>window.__asked = []; const f = window.fetch; window.fetch = (u, i) => {
      window.__asked.push({ url: String(u), method: i && i.method, body: i && i.body }); return f(u, i); };</script>`;
    const { page, errors } = await browser.open(
      `${record}${CAPTURE}<attn-heatmap src="${apiUrl}" explain="probe" model="tiny-bert" layers="0 1"></attn-heatmap>`,
      { base },
    );
    const doc = (await drawnDocument(page)) as Doc & {
      probe: {
        layers: { layer: number; accuracy: number; control_accuracy: number }[];
        baseline: { accuracy: number };
      };
    };
    expect(() => ExplanationDocument.parse(doc)).not.toThrow();
    const asked = (await page.evaluate(() => (window as unknown as { __asked: unknown[] }).__asked)) as {
      url: string;
      method: string;
      body: string;
    }[];
    expect(asked.map((a) => [a.url, a.method])).toEqual([[`${apiUrl}/v1/probe`, 'POST']]);
    expect(JSON.parse(asked[0].body)).toEqual({ model: 'tiny-bert', layers: [0, 1] });
    expect(doc.probe.layers.map((l) => l.layer)).toEqual([0, 1]);
    await page.waitForFunction(
      () => document.querySelector('attn-heatmap')?.shadowRoot?.querySelector('.probe-table'),
      null,
      { timeout: 30_000 },
    );
    const rows = await page
      .locator('attn-heatmap')
      .evaluate((el) =>
        [...el.shadowRoot!.querySelectorAll('.probe-table tbody tr')].map((tr) =>
          [...tr.children].map((c) => c.textContent),
        ),
      );
    const pc = (x: number) => `${(100 * x).toFixed(1)}%`;
    expect(rows.map((r) => [r[0], r[1], r[3]])).toEqual(
      doc.probe.layers.map((l) => [
        l.layer === 0 ? '0 (embeddings)' : String(l.layer),
        pc(l.accuracy),
        pc(l.control_accuracy),
      ]),
    );
    expect(await page.locator('attn-heatmap').getAttribute('view')).toBe('probe');
    await snap(page, 'api-probe-tiny-bert');
    expect(errors).toEqual([]);
  });

  it("an unknown layer is the API's 4xx message in the element", async () => {
    const { page, errors } = await browser.open(
      `<attn-heatmap src="${apiUrl}" explain="probe" model="tiny-bert" layers="0 99"></attn-heatmap>`,
      { base },
    );
    const text = await waitForMessage(page, 'alert');
    expect(text).toContain('unknown_layer');
    expect(text).toContain('layer 99 does not exist');
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});

describe('demo page (site/index.html) on the API origin', () => {
  it('lists the models, draws brown-sentiment, and switches to brown-seq2seq with a summary and a 272-token translation', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page, errors } = await browser.open('', {
        base: apiUrl,
        path: '/',
        passthrough: true,
        colorScheme: scheme,
      });
      await waitForGrid(page, '#viz');
      expect(await page.locator('#viz').getAttribute('model')).toBe('brown-sentiment');
      // The picker is filled from GET /v1/models.
      await expect
        .poll(() =>
          page.locator('#model option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
        )
        .toEqual(expect.arrayContaining(['brown-sentiment', 'brown-gpt', 'brown-seq2seq']));
      await snap(page, `site-brown-sentiment-${scheme}`, null);
      // The embed snippet is whole (an end tag in the page's inline script would cut the script short).
      expect(await page.locator('#snippet').textContent()).toMatch(
        /<\/script>\n<attn-heatmap src="[^"]+" model="brown-sentiment"/,
      );

      await page.selectOption('#model', 'brown-seq2seq');
      await expect.poll(() => page.locator('#target-field').isVisible()).toBe(true);
      await page.getByRole('button', { name: /new jacketed slug magnum corrected/ }).click();
      await expect
        .poll(() => page.locator('#viz').getAttribute('text'))
        .toBe('summarize: The new , jacketed slug in Magnum corrected this .');
      await expect
        .poll(() => page.locator('#viz').getAttribute('target-text'))
        .toBe('new jacketed slug magnum corrected');
      await page.waitForFunction(
        () => document.querySelector('#viz')?.getAttribute('group') === 'cross',
        null,
        { timeout: 30_000 },
      );
      await waitForGrid(page, '#viz');
      const g = await readGrid(page, '#viz');
      // The demo page asks for rollout too (analyses="rollout"): one group per self-attention stack.
      expect(g.selects.group.options).toEqual([
        'encoder-self',
        'decoder-self',
        'cross',
        'encoder-rollout',
        'decoder-rollout',
      ]);
      expect(g.rows.length).toBeGreaterThan(2);
      await snap(page, `site-brown-seq2seq-${scheme}`, null);
      if (scheme === 'light') {
        // A long example (272 source tokens): the cross-attention comes back whole, drawn on the canvas matrix.
        await page.getByRole('button', { name: /^translate: Vincent G\. Ierulli .* \(\d+ words\)$/ }).click();
        await expect
          .poll(() => page.locator('#viz').getAttribute('target-text'))
          .toMatch(/^vincent g\. ierulli assistant district attorney temporary/);
        const matrix = page.locator('#viz [aria-roledescription="attention matrix"]');
        await expect
          .poll(async () => (await matrix.count()) && (await matrix.getAttribute('aria-label')), {
            timeout: 60_000,
          })
          .toMatch(/ \d+ by \d+ cells/);
        const [rows, cols] = (await matrix.getAttribute('aria-label'))!
          .match(/(\d+) by (\d+) cells/)!
          .slice(1)
          .map(Number);
        expect(Math.min(rows, cols)).toBeGreaterThan(250);
      }
      expect(errors).toEqual([]);
      await page.close();
    }
  });
});
