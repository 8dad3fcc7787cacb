/** Reading the non-grid views out of the widget's shadow root, and checking exported images in the page. */
import type { Page } from 'playwright-core';

export const host = (page: Page, sel = 'attn-heatmap') => page.locator(sel).first();

/** Waits until the shadow root holds `inner` (e.g. '.thumb canvas', '.sal .tk', 'canvas.over'). */
export async function waitForView(page: Page, inner: string, sel = 'attn-heatmap'): Promise<void> {
  await page.waitForFunction(
    ([s, i]) => !!document.querySelector(s)?.shadowRoot?.querySelector(i),
    [sel, inner] as const,
    { timeout: 30_000 },
  );
}

export async function attrs(page: Page, sel = 'attn-heatmap'): Promise<Record<string, string>> {
  return host(page, sel).evaluate((el) =>
    Object.fromEntries([...el.attributes].map((a) => [a.name, a.value])),
  );
}

export async function readout(page: Page, sel = 'attn-heatmap'): Promise<string> {
  return host(page, sel).evaluate((el) => el.shadowRoot!.querySelector('.readout')?.textContent ?? '');
}

export async function liveRegion(page: Page, sel = 'attn-heatmap'): Promise<string> {
  return host(page, sel).evaluate(
    (el) => el.shadowRoot!.querySelector('[aria-live=polite]')?.textContent ?? '',
  );
}

/** The focused element inside the widget: its class, data attributes and tag. */
export async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement?.shadowRoot?.activeElement as HTMLElement | null | undefined;
    if (!el) return null;
    return {
      tag: el.localName,
      cls: el.className,
      data: { ...el.dataset },
      label: el.getAttribute('aria-label'),
    };
  });
}

/** Presses Tab until `pred` holds for the focused element (at most `max` times). */
export async function tabUntil(
  page: Page,
  pred: (f: Awaited<ReturnType<typeof focused>>) => boolean,
  max = 15,
): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (pred(await focused(page))) return i;
  }
  throw new Error('never reached the element with Tab');
}

export interface ExportCheck {
  png: { bytes: number; signature: boolean; width: number; height: number };
  svg: {
    bytes: number;
    parserError: boolean;
    rects: number;
    lines: number;
    texts: number;
    images: number;
    root: string;
  };
}

/** Calls exportImage() for both formats and checks them in the page: PNG decodes, SVG parses. */
export async function checkExports(page: Page, sel = 'attn-heatmap'): Promise<ExportCheck> {
  return host(page, sel).evaluate(async (el) => {
    const e = el as HTMLElement & { exportImage(f: 'png' | 'svg'): Promise<Blob> };
    const png = await e.exportImage('png');
    const head = new Uint8Array(await png.slice(0, 8).arrayBuffer());
    const sig = [137, 80, 78, 71, 13, 10, 26, 10].every((b, i) => head[i] === b);
    const bmp = await createImageBitmap(png);
    const svgBlob = await e.exportImage('svg');
    const text = await svgBlob.text();
    const svg = new DOMParser().parseFromString(text, 'image/svg+xml');
    const count = (s: string) => svg.getElementsByTagName(s).length;
    return {
      png: {
        bytes: png.size,
        signature: sig && png.type === 'image/png',
        width: bmp.width,
        height: bmp.height,
      },
      svg: {
        bytes: svgBlob.size,
        parserError: svg.getElementsByTagName('parsererror').length > 0,
        rects: count('rect'),
        lines: count('line'),
        texts: count('text'),
        images: count('image'),
        root: svg.documentElement.localName,
      },
    };
  });
}
