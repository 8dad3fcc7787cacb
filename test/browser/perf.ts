/**
 * In-page timing of the widget, shared by the browser tests and bench/widget.ts: first render of a
 * large document and the frame a hover lands in, from requestAnimationFrame timestamps.
 */
import type { Page, Route } from 'playwright-core';
import type { Browser } from './chromium.js';

/** Serves `doc` at `${base}/large/<name>.json` from memory (routes added later win in Playwright). */
export async function serveDocument(page: Page, name: string, json: string): Promise<void> {
  await page.route(`**/large/${name}.json`, (route: Route) =>
    route.fulfill({ body: json, contentType: 'application/json' }),
  );
}

/**
 * tsx (esbuild with keepNames) wraps named functions inside page.evaluate callbacks in __name(),
 * which the page does not have: give it one.
 */
export async function shimNames(page: Page): Promise<void> {
  await page.evaluate('window.__name = (f) => f');
}

export interface RenderTiming {
  /** `data` attribute set → the view painted (fetch, JSON parse, checks, decoding, drawing) */
  firstRenderMs: number;
  /** the document's bytes all received (resource timing's responseEnd) → the view painted */
  afterFetchMs: number;
}

/**
 * Opens a page with an <attn-heatmap> that has no source yet, then sets `data` and times until the
 * view's marker selector exists and a frame has been painted with it.
 */
export async function openAndTime(
  browser: Browser,
  json: string,
  view: 'matrix' | 'model' | 'lines',
  opts: { colorScheme?: 'light' | 'dark'; width?: number } = {},
): Promise<{ page: Page; errors: string[]; timing: RenderTiming }> {
  const name = `doc-${Math.random().toString(36).slice(2)}`;
  const { page, errors } = await browser.open(
    `<attn-heatmap view="${view}"${view === 'lines' ? ' head="all"' : ''} style="max-width:${opts.width ?? 860}px"></attn-heatmap>`,
    { colorScheme: opts.colorScheme, setup: (p) => serveDocument(p, name, json) },
  );
  await shimNames(page);
  await page.waitForFunction(() => customElements.get('attn-heatmap'));
  const marker = view === 'matrix' ? 'canvas.over' : view === 'lines' ? '.cols canvas' : '.thumb canvas';
  const [firstRenderMs, afterFetchMs] = await page.evaluate(
    async ([url, sel]) => {
      const el = document.querySelector('attn-heatmap')!;
      const t0 = performance.now();
      el.setAttribute('data', url);
      const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
      for (;;) {
        await frame();
        if (el.shadowRoot?.querySelector(sel)) break;
        if (performance.now() - t0 > 60_000) throw new Error(`${sel} did not appear`);
      }
      // The frame after the one that first held the view: by then it has been painted.
      await frame();
      const t1 = performance.now();
      const res = performance.getEntriesByName(new URL(url, location.href).href)[0] as
        | PerformanceResourceTiming
        | undefined;
      return [t1 - t0, res ? t1 - res.responseEnd : Number.NaN];
    },
    [`large/${name}.json`, marker] as const,
  );
  return { page, errors, timing: { firstRenderMs, afterFetchMs } };
}

export interface HoverTiming {
  /** pointer event dispatched → readout updated (event handler + Preact render), ms, per hover */
  work: number[];
  /** duration of the frame that paints the hover (rAF to next rAF), ms: ≈16.7 means on time at 60 Hz */
  frame: number[];
}

/**
 * Hovers `count` different places of the view (canvas cells or model thumbnails) by dispatching
 * pointer events in the page, and times each from requestAnimationFrame timestamps.
 */
export async function measureHover(
  page: Page,
  view: 'matrix' | 'model' | 'lines',
  count = 20,
): Promise<HoverTiming> {
  await shimNames(page);
  return page.evaluate(
    async ([v, n]) => {
      const root = document.querySelector('attn-heatmap')!.shadowRoot!;
      const readout = root.querySelector('.readout')!;
      const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
      const work: number[] = [];
      const frames: number[] = [];
      const thumbs = [...root.querySelectorAll<HTMLElement>(v === 'lines' ? 'li.tk' : '.thumb')];
      const canvas = root.querySelector<HTMLCanvasElement>('canvas.over');
      for (let i = 0; i < n; i++) {
        await frame();
        const before = readout.textContent;
        let target: Element;
        let init: PointerEventInit;
        if (v === 'matrix') {
          const r = canvas!.getBoundingClientRect();
          // Walk the diagonal of the plot area so every hover lands on a new cell.
          const f = 0.1 + (0.8 * i) / n;
          init = { clientX: r.left + 84 + (r.width - 84) * f, clientY: r.top + 64 + (r.height - 64) * f };
          target = canvas!;
        } else {
          const t = thumbs[(i * 5 + 1) % thumbs.length];
          // The lines view's tokens (in its first screen); the model view's thumbnails.
          target = v === 'lines' ? thumbs[(i * 3 + 1) % 40] : t.querySelector('canvas')!;
          init = {};
        }
        const t0 = performance.now();
        target.dispatchEvent(
          new PointerEvent(v === 'matrix' ? 'pointermove' : 'pointerover', {
            ...init,
            bubbles: true,
            composed: true,
            pointerId: 1,
            pointerType: 'mouse',
          }),
        );
        // Preact renders in a microtask; wait for the readout to change.
        for (let k = 0; k < 50 && readout.textContent === before; k++) await Promise.resolve();
        const t1 = performance.now();
        if (readout.textContent === before) throw new Error('hover did not update the readout');
        const fa = await frame();
        const fb = await frame();
        work.push(t1 - t0);
        frames.push(fb - fa);
      }
      return { work, frame: frames };
    },
    [view, count] as const,
  );
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function p95(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(0.95 * s.length))];
}
