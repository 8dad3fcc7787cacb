/**
 * Real Chromium for the widget tests: Debian's /usr/bin/chromium driven by playwright-core (which
 * never downloads a browser), one fresh profile per launch. Pages are served from disk through
 * page.route(), so the tests need no server of their own.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO } from './paths.js';

export const ORIGIN = 'http://widget.test';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css',
};

/** URL path under a base → file on disk; anything else 404s. */
const MOUNTS: [string, string][] = [
  ['/widget/', 'dist/widget'],
  ['/fixtures/', 'test/fixtures/documents'],
  ['/site/', 'site'],
  ['/demo/', 'site/demo'],
];

/** The demo page at `/`, as the worker serves it. */
const SITE_PAGES: Record<string, string> = { '/': 'site/index.html', '/index.html': 'site/index.html' };

export interface Browser {
  context: BrowserContext;
  /** Opens a page whose body is `body`, with the ES bundle loaded; see OpenOptions. */
  open(body: string, opts?: OpenOptions): Promise<TestPage>;
  close(): Promise<void>;
}

export interface OpenOptions {
  colorScheme?: 'light' | 'dark';
  /** where the page and bundle are served from (default http://widget.test); used to be same-origin with an API */
  base?: string;
  /** extra routes, e.g. a mocked API, installed before the page loads */
  setup?(page: Page): Promise<unknown>;
  /** load the IIFE build with a classic script instead of the ES module */
  iife?: boolean;
  /** open this path under base (e.g. the demo page at `/`) instead of a page made from `body` */
  path?: string;
  /** let requests under base that match no file through to the network (a real API on that origin) */
  passthrough?: boolean;
}

export interface TestPage {
  page: Page;
  /** uncaught page errors and console errors */
  errors: string[];
  /** messages of any alert/confirm/prompt the page opened (there should be none) */
  dialogs: string[];
}

/** Debian's Chromium, headless, with the flags this machine needs; `webgpu` adds the software adapter. */
export function launchContext(profile: string, opts: { webgpu?: boolean } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 900, height: 700 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(opts.webgpu ? ['--enable-unsafe-webgpu'] : []),
    ],
  });
}

export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'attn-heatmap-chromium-'));
  const context = await launchContext(profile);
  let n = 0;
  return {
    context,
    async open(body, opts = {}) {
      const base = opts.base ?? ORIGIN;
      const page = await context.newPage();
      const errors: string[] = [];
      const dialogs: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      if (opts.colorScheme) await page.emulateMedia({ colorScheme: opts.colorScheme });
      const name = opts.path ?? `/page-${++n}.html`;
      const pages = opts.path ? {} : { [name]: pageHtml(body, opts.iife) };
      await serveFromDisk(page, base, pages, opts.passthrough);
      await opts.setup?.(page);
      await page.goto(base + name);
      return { page, errors, dialogs };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function pageHtml(body: string, iife = false): string {
  const script = iife
    ? '<script src="widget/attn-heatmap.iife.js"></script>'
    : '<script type="module" src="widget/attn-heatmap.js"></script>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>attn-heatmap test</title>${script}
<style>body{margin:0;padding:16px;font:14px system-ui}</style></head><body>${body}</body></html>`;
}

/**
 * Fulfils `${base}/**` from the mounts above plus the given in-memory pages; the rest 404s, or with
 * `passthrough` goes on to the network (so /v1/* reaches a real API on the same origin).
 */
export async function serveFromDisk(
  page: Page,
  base: string,
  pages: Record<string, string> = {},
  passthrough = false,
): Promise<void> {
  const prefix = new URL(base).pathname.replace(/\/$/, '');
  await page.route(`${base}/**`, async (route) => {
    const rel = decodeURIComponent(new URL(route.request().url()).pathname).slice(prefix.length) || '/';
    if (pages[rel] !== undefined) return route.fulfill({ body: pages[rel], contentType: TYPES['.html'] });
    if (SITE_PAGES[rel])
      return route.fulfill({ path: join(REPO, SITE_PAGES[rel]), contentType: TYPES['.html'] });
    for (const [mount, dir] of MOUNTS) {
      if (!rel.startsWith(mount)) continue;
      const root = join(REPO, dir);
      const file = normalize(join(root, rel.slice(mount.length)));
      if (!file.startsWith(root)) break;
      try {
        const body = readFileSync(file);
        return route.fulfill({ body, contentType: TYPES[extname(file)] ?? 'application/octet-stream' });
      } catch {
        break;
      }
    }
    if (passthrough) return route.continue();
    return route.fulfill({ status: 404, contentType: 'text/plain', body: `not found: ${rel}` });
  });
}
