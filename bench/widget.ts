/**
 * The widget at scale, in Chromium (Debian's /usr/bin/chromium via playwright-core, software
 * rendering): for 128, 512 and 1,024 tokens (4 layers × 4 heads, u8 as the API sends), the first
 * render of the matrix, model and lines views (lines: head "all") and the frame a hover lands in, and the document's size in
 * u8 against f32.
 *
 *   npm run bench:widget     # prints one Markdown table, a line naming the machine and a JSON line
 *
 * First render: `data` set → the view's canvases exist and one more frame has gone by (fetching
 * the JSON, which Playwright serves from memory through the DevTools protocol, parsing, decoding,
 * painting); "of which after fetch" starts at the response's last byte (resource timing). Hover: pointer events dispatched in the page
 * on successive cells / thumbnails; "work" is event → readout updated (handler + Preact render),
 * "frame" is the length of the frame that paints it, from requestAnimationFrame timestamps (16.7 ms
 * at 60 Hz means the hover landed in the next frame with time to spare).
 */
import { ensureWidgetBuilt } from '../test/browser/build-widget.js';
import { launchChromium } from '../test/browser/chromium.js';
import { largeDocument } from '../test/browser/large.js';
import { measureHover, median, openAndTime, p95 } from '../test/browser/perf.js';
import { machineLine } from './lib/machine.js';
import { markdownTable, ms, ratio, rightAligned } from './lib/table.js';

const SIZES = [128, 512, 1024];
const VIEWS = ['matrix', 'model', 'lines'] as const;
/** fresh pages per size and view; the median of their first renders is reported */
const RUNS = 3;
const HOVERS = 40;

await ensureWidgetBuilt();
const browser = await launchChromium();
const version = browser.context.browser()?.version() ?? 'unknown';
const rows: string[][] = [];
const machine: Record<string, unknown>[] = [];
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;

try {
  for (const n of SIZES) {
    const { doc, u8Bytes, f32Bytes } = largeDocument(n, { f32Bytes: true });
    const json = JSON.stringify(doc);
    for (const view of VIEWS) {
      const renders: number[] = [];
      const afterFetch: number[] = [];
      const work: number[] = [];
      const frames: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const { page, errors, timing } = await openAndTime(browser, json, view);
        renders.push(timing.firstRenderMs);
        afterFetch.push(timing.afterFetchMs);
        // Hover on the last run only, once the page is warm.
        if (run === RUNS - 1) {
          const h = await measureHover(page, view, HOVERS);
          work.push(...h.work);
          frames.push(...h.frame);
        }
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
        await page.close();
      }
      const late = frames.filter((f) => f > 20).length;
      rows.push([
        String(n),
        view,
        ms(median(renders)),
        ms(median(afterFetch)),
        ms(median(work)),
        ms(p95(work)),
        ms(median(frames)),
        `${late}/${frames.length}`,
        mb(u8Bytes),
        mb(f32Bytes!),
        ratio(u8Bytes / f32Bytes!, 3),
      ]);
      machine.push({
        tokens: n,
        view,
        first_render_ms: +median(renders).toFixed(1),
        after_fetch_ms: +median(afterFetch).toFixed(1),
        hover_work_ms: +median(work).toFixed(2),
        hover_work_p95_ms: +p95(work).toFixed(2),
        hover_frame_ms: +median(frames).toFixed(1),
        late_frames: late,
        hovers: frames.length,
        u8_bytes: u8Bytes,
        f32_bytes: f32Bytes,
      });
    }
  }
} finally {
  await browser.close();
}

console.log(
  markdownTable(
    [
      'tokens',
      'view',
      ...rightAligned(
        'first render',
        'of which after fetch',
        'hover work (median)',
        'hover work (p95)',
        'hover frame (median)',
        'frames > 20 ms',
        'doc u8',
        'doc f32',
        'u8 ÷ f32',
      ),
    ],
    rows,
  ),
);
console.log('');
console.log(
  `Times in ms; 4 layers × 4 heads; ${RUNS} first renders (median) and ${HOVERS} hovers per row; Chromium ${version}, headless, software rendering (--disable-gpu).`,
);
console.log(machineLine([`Chromium ${version}`]));
console.log(`BENCH_WIDGET ${JSON.stringify({ chromium: version, results: machine })}`);
