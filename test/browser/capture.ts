/** Host-page helpers shared by the browser tests: attribute escaping and the document an element drew. */
import type { Page } from 'playwright-core';
import type { Doc } from './expected.js';

/** A value for a double-quoted HTML attribute. */
export const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** A host-page script keeping the document the element drew, as its attn-load event carried it. */
export const CAPTURE = `<script>document.addEventListener('attn-load', (e) => { window.__doc = e.detail.document; });</script>`;

/** The document captured by CAPTURE, once the element has drawn it. */
export async function drawnDocument<T = Doc>(page: Page, timeout = 30_000): Promise<T> {
  const h = await page.waitForFunction(() => (window as unknown as { __doc?: unknown }).__doc, null, {
    timeout,
  });
  return (await h.jsonValue()) as T;
}
