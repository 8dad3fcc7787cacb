import { launchChromium } from './chromium.js';
import { largeDocument } from './large.js';
import { measureHover, median, openAndTime } from './perf.js';
const b = await launchChromium();
const t = performance.now();
const { doc } = largeDocument(1024);
const json = JSON.stringify(doc);
console.log('gen', performance.now() - t, json.length);
for (const view of ['matrix', 'model'] as const) {
  const { page, errors, timing } = await openAndTime(b, json, view);
  const h = await measureHover(page, view, 10);
  console.log(view, timing, median(h.work), median(h.frame), errors);
  await page.locator('attn-heatmap').screenshot({ path: `/tmp/smoke/large-${view}.png` });
}
await b.close();
