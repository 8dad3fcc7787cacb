/** Reading the widget's state out of its shadow root, and screenshots of it. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SHOTS } from './paths.js';

export interface GridState {
  rows: string[];
  cols: string[];
  /** the weight each cell announces (aria-label, 3 decimals) */
  values: number[][];
  /** colour position of each cell (the --w percentage) */
  fills: number[][];
  selects: Record<string, { value: string; options: string[] }>;
  attrs: { group: string | null; layer: string | null; head: string | null };
  tabStops: number;
  caption: string | null;
}

/** Waits until the element (first match of `sel`) shows its grid. */
export async function waitForGrid(page: Page, sel = 'attn-heatmap'): Promise<void> {
  await page.waitForFunction(
    (s) => !!document.querySelector(s)?.shadowRoot?.querySelector('table[role=grid]'),
    sel,
    {
      timeout: 20_000,
    },
  );
}

/** Waits for a message (role status/alert) and returns its text. */
export async function waitForMessage(
  page: Page,
  role: 'alert' | 'status',
  sel = 'attn-heatmap',
): Promise<string> {
  const h = await page.waitForFunction(
    ([s, r]) => document.querySelector(s)?.shadowRoot?.querySelector(`[role=${r}]`)?.textContent,
    [sel, role] as const,
    { timeout: 20_000 },
  );
  return (await h.jsonValue()) as string;
}

export async function readGrid(page: Page, sel = 'attn-heatmap'): Promise<GridState> {
  return page.evaluate((s) => {
    const host = document.querySelector(s)!;
    const root = host.shadowRoot!;
    const table = root.querySelector<HTMLTableElement>('table[role=grid]')!;
    const body = [...table.tBodies[0].rows];
    const cells = (tr: HTMLTableRowElement) => [...tr.cells].slice(1);
    return {
      rows: body.map((tr) => tr.cells[0].textContent ?? ''),
      cols: cells(table.tHead!.rows[0]).map((th) => th.textContent ?? ''),
      values: body.map((tr) => cells(tr).map((td) => Number(td.getAttribute('aria-label')))),
      fills: body.map((tr) =>
        cells(tr).map((td) => Number.parseFloat((td as HTMLElement).style.getPropertyValue('--w'))),
      ),
      selects: Object.fromEntries(
        [...root.querySelectorAll('select')].map((x) => [
          x.name,
          { value: x.value, options: [...x.options].map((o) => o.value) },
        ]),
      ),
      attrs: {
        group: host.getAttribute('group'),
        layer: host.getAttribute('layer'),
        head: host.getAttribute('head'),
      },
      tabStops: table.querySelectorAll('[tabindex="0"]').length,
      caption: table.getAttribute('aria-label'),
    };
  }, sel);
}

/** Saves a screenshot of the element (or the whole page) under test-results/widget/. */
export async function snap(page: Page, name: string, sel: string | null = 'attn-heatmap'): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  if (sel) await page.locator(sel).first().screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
  return path;
}
