/**
 * `--out view.svg` / `--out view.png`: the document drawn by the widget itself and exported by its
 * own exporter (`exportImage()`, widget/lib/export.ts), in headless Chromium, so that an image from
 * the command line is the one a reader would export from the page. Needs the built widget
 * (`npm run build:widget`), Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium) and playwright-core.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExplanationDocument } from '../shared/schema/document.js';
import { CliError, EXIT_FAILURE } from './cli-error.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WIDGET = join(ROOT, 'dist', 'widget');
const ORIGIN = 'http://cli.attn-heatmap.invalid';

export type ImageFormat = 'svg' | 'png';

export const imageFormatOf = (path: string | undefined): ImageFormat | undefined =>
  path?.match(/\.(svg|png)$/i)?.[1].toLowerCase() as ImageFormat | undefined;

const missing = (what: string) =>
  new CliError('internal_error', `an image needs ${what}; or write the document as .json`, EXIT_FAILURE);

/** The view a document opens on, unless `view` names another (matrix, model, lines, alignment, …). */
export async function renderImage(
  doc: ExplanationDocument,
  format: ImageFormat,
  view?: string,
): Promise<Uint8Array> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw missing(`Chromium at ${executablePath} (apt-get install chromium)`);
  if (!existsSync(join(WIDGET, 'attn-heatmap.js'))) throw missing('the built widget (npm run build:widget)');
  const { chromium } = await import('playwright-core').catch(() => {
    throw missing('playwright-core (npm install playwright-core)');
  });
  const browser = await chromium.launch({ executablePath, args: ['--headless=new', '--no-sandbox'] });
  try {
    const page = await browser.newPage({ colorScheme: 'light' });
    await page.route(`${ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      const file = join(WIDGET, path.replace(/^\/widget\//, ''));
      if (path === '/') return route.fulfill({ body: '<!doctype html>', contentType: 'text/html' });
      if (path.startsWith('/widget/') && !path.includes('..') && existsSync(file))
        return route.fulfill({ body: readFileSync(file), contentType: 'text/javascript' });
      return route.fulfill({ status: 404, body: '' });
    });
    await page.goto(`${ORIGIN}/`);
    // the document as the element's inline JSON child, as a static page embeds one
    const json = JSON.stringify(doc).replace(/</g, '\\u003c');
    const attr = view ? ` view="${view.replace(/\W/g, '')}"` : '';
    await page.setContent(
      `<!doctype html><script type="module" src="/widget/attn-heatmap.js"></script>
       <attn-heatmap${attr}><script type="application/json">${json}</script></attn-heatmap>`,
    );
    // until the view has drawn (its snapshot exists): the export then answers with the image
    const deadline = Date.now() + 30_000;
    for (;;) {
      const b64 = await page.evaluate(async (fmt) => {
        const el = document.querySelector('attn-heatmap') as HTMLElement & {
          exportImage?: (f: string) => Promise<Blob>;
        };
        const blob = await el.exportImage?.(fmt).catch(() => null);
        if (!blob) return null;
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let bin = '';
        for (const b of bytes) bin += String.fromCharCode(b);
        return btoa(bin);
      }, format);
      if (b64) return new Uint8Array(Buffer.from(b64, 'base64'));
      if (Date.now() > deadline)
        throw new CliError('internal_error', 'the widget drew nothing to export in 30 s', EXIT_FAILURE);
      await page.waitForTimeout(100);
    }
  } finally {
    await browser.close();
  }
}
