/**
 * The embed the README documents, from a real second origin under a strict CSP: host pages served by
 * a Node http server on another loopback port (another origin than the API's `wrangler dev`), loading
 * the widget from the API's origin as an ES module and as the IIFE, drawing from the API and with
 * `run="browser"` (runner, ORT's wasm and the model files fetched cross-origin), and refusing a
 * `runner=` from anywhere but the page's or the widget's origin.
 *
 * CSP violations are caught twice: a `securitypolicyviolation` listener that playwright installs
 * before any page script (init scripts come from the debugger, so the page's CSP does not govern
 * them and they relax nothing), and Chromium's console errors ("Refused to …"). A control test
 * checks that a blocked inline style really shows up in both.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureWidgetBuilt } from '../test/browser/build-widget.js';
import { type Browser, launchChromium } from '../test/browser/chromium.js';
import { readGrid, waitForGrid, waitForMessage } from '../test/browser/grid.js';

const api = inject('apiUrl');

/** What a host server answers for a path: body, content type and the page's CSP. */
interface Resource {
  body: string;
  type?: string;
  csp?: string;
  headers?: Record<string, string>;
}

interface Host {
  origin: string;
  /** paths asked for, in order */
  asked: string[];
  serve(path: string, r: Resource): string;
  close(): Promise<void>;
}

/** A loopback http server answering from strings; a different port is a different origin. */
async function startHost(): Promise<Host> {
  const files = new Map<string, Resource>();
  const asked: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    asked.push(path);
    const r = files.get(path);
    if (!r) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': r.type ?? 'text/html; charset=utf-8',
      ...(r.csp ? { 'content-security-policy': r.csp } : {}),
      ...r.headers,
    });
    res.end(r.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    asked,
    serve(path, r) {
      files.set(path, r);
      return origin + path;
    },
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/**
 * The strict host policy of the brief: scripts and requests only from the API's origin, no style at
 * all (the widget's constructable sheets and CSSOM styles are not governed by style-src), images only
 * as data: (the export preview). `extraScript` adds sources to script-src where a test needs them.
 */
function strictCsp(extraScript: string[] = []): string {
  return [
    "default-src 'none'",
    `script-src ${[api, ...extraScript].join(' ')}`,
    `connect-src ${api}`,
    "style-src 'none'",
    'img-src data:',
  ].join('; ');
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

function page(head: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>embed test</title>${head}</head><body>${body}</body></html>`;
}

interface Opened {
  page: Page;
  /** uncaught page errors and console errors (Chromium logs CSP and CORS refusals as errors) */
  errors: string[];
  /** every response the page got: url → status */
  responses: Map<string, number>;
  /** CSP violations the page saw */
  violations(): Promise<string[]>;
  /** the document the element drew (its attn-load event), once it has loaded */
  drawn(): Promise<{ input: { tokens: string[] }; metrics?: { backend?: string } }>;
}

let browser: Browser;
let host: Host;
let third: Host;
let n = 0;

async function open(r: Resource): Promise<Opened> {
  const url = host.serve(`/page-${++n}.html`, r);
  const p = await browser.context.newPage();
  const errors: string[] = [];
  const responses = new Map<string, number>();
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  p.on('response', (res) => responses.set(res.url(), res.status()));
  await p.addInitScript(() => {
    const w = window as unknown as { __csp: string[]; __doc?: unknown };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`),
    );
    document.addEventListener('attn-load', (e) => {
      w.__doc = (e as CustomEvent).detail.document;
    });
  });
  // requests still open, named if the page never finishes loading
  const pending = new Set<string>();
  p.on('request', (q) => pending.add(q.url()));
  p.on('requestfinished', (q) => pending.delete(q.url()));
  p.on('requestfailed', (q) => pending.delete(q.url()));
  try {
    // drawn() waits for what the element loads; 'load' would wait on it too, past 30 s on a loaded machine
    await p.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  } catch (e) {
    throw new Error(`${(e as Error).message}\nrequests still open: ${[...pending].join(', ') || 'none'}`);
  }
  return {
    page: p,
    errors,
    responses,
    violations: () => p.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
    drawn: async () => {
      // the document, or the error the element shows instead (so a failure names its code)
      const h = await p.waitForFunction(
        () =>
          (window as unknown as { __doc?: unknown }).__doc ??
          document.querySelector('attn-heatmap')?.shadowRoot?.querySelector('[role=alert]')?.textContent,
        null,
        { timeout: 45_000 },
      );
      const got = await h.jsonValue();
      if (typeof got === 'string') throw new Error(`the element shows an error: ${got}`);
      return got as Awaited<ReturnType<Opened['drawn']>>;
    },
  };
}

/** Every URL the page fetched from the API's origin under `prefix`, with its status (a cache revalidation's 304 read as 200). */
function fromApi(o: Opened, prefix: string): [string, number][] {
  return [...o.responses]
    .filter(([u]) => u.startsWith(`${api}${prefix}`))
    .map(([u, s]) => [u, s === 304 ? 200 : s]);
}

beforeAll(async () => {
  await ensureWidgetBuilt();
  [host, third] = await Promise.all([startHost(), startHost()]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await third?.close();
});

const ES = `<script type="module" src="${api}/widget/attn-heatmap.js"></script>`;
const IIFE = `<script src="${api}/widget/attn-heatmap.iife.js"></script>`;

describe('embedded on another origin, under a strict CSP', () => {
  it('the host server is another origin than the API', () => {
    expect(new URL(host.origin).origin).not.toBe(new URL(api).origin);
    expect(new URL(third.origin).origin).not.toBe(new URL(host.origin).origin);
  });

  it('control: a blocked inline style is seen as a violation and a console error', async () => {
    const o = await open({
      body: page(`<style>body{color:red}</style>`, '<p>x</p>'),
      csp: strictCsp(),
    });
    await o.page.waitForFunction(() => (window as unknown as { __csp: string[] }).__csp.length > 0);
    expect((await o.violations()).join()).toContain('style-src-elem');
    expect(o.errors.join('\n')).toContain('Content Security Policy');
    await o.page.close();
  });

  for (const [name, script] of [
    ['ES module', ES],
    ['IIFE', IIFE],
  ] as const) {
    it(`${name}: draws attention from the API with no CSP violation or console error`, async () => {
      const text = 'The cat sat on the mat.';
      const o = await open({
        body: page(
          script,
          `<attn-heatmap src="${api}" model="tiny-bert" text="${attr(text)}"></attn-heatmap>`,
        ),
        csp: strictCsp(),
      });
      await waitForGrid(o.page);
      const doc = await o.drawn();
      const grid = await readGrid(o.page);
      expect(grid.rows.length).toBe(doc.input.tokens.length);
      expect(grid.rows.length).toBeGreaterThan(2);
      // the widget and the attention both came from the API's origin
      expect(fromApi(o, '/widget/attn-heatmap').map(([, s]) => s)).toEqual([200]);
      expect(fromApi(o, '/v1/attention').map(([, s]) => s)).toEqual([200]);
      expect(await o.violations()).toEqual([]);
      expect(o.errors).toEqual([]);
      await o.page.close();
    });
  }

  for (const [name, script] of [
    ['ES module', ES],
    ['IIFE', IIFE],
  ] as const) {
    it(`${name}, run="browser": runner, ORT wasm and model files load cross-origin`, async () => {
      const o = await open({
        body: page(
          script,
          `<attn-heatmap run="browser" backend="wasm" src="${api}" model="tiny-bert" text="the cat sat"></attn-heatmap>`,
        ),
        // Compiling the ORT wasm needs 'wasm-unsafe-eval' (WebAssembly only, not eval). No worker-src
        // or blob: is needed: without cross-origin isolation ORT runs single-threaded in the page.
        csp: strictCsp(["'wasm-unsafe-eval'"]),
      });
      const doc = await o.drawn();
      expect(doc.metrics?.backend).toBe('wasm');
      await waitForGrid(o.page);
      expect((await readGrid(o.page)).rows.length).toBe(doc.input.tokens.length);
      // everything the page ran came from the API's origin, through CORS
      expect(fromApi(o, '/widget/runner/attn-heatmap-runner.js').map(([, s]) => s)).toEqual([200]);
      expect(fromApi(o, '/widget/runner/ort-wasm-simd-threaded.wasm').map(([, s]) => s)).toEqual([200]);
      const models = fromApi(o, '/models/tiny-bert/');
      expect(models.some(([u]) => u.endsWith('.onnx'))).toBe(true);
      expect(models.some(([u]) => u.endsWith('tokenizer.json'))).toBe(true);
      expect(models.every(([, s]) => s === 200)).toBe(true);
      expect(fromApi(o, '/v1/')).toEqual([]); // nothing asked of the API itself
      expect(await o.violations()).toEqual([]);
      expect(o.errors).toEqual([]);
      await o.page.close();
    });
  }
});

describe('runner= from a foreign origin', () => {
  // This page's CSP would let a data: module and the third origin's script run: only the widget's
  // own check (widget/lib/runner-origin.ts) stands between the attribute and running code.
  const permissive = () => strictCsp(['data:', third.origin]);
  const evil = () =>
    third.serve('/runner.js', {
      type: 'text/javascript',
      headers: { 'access-control-allow-origin': '*' },
      body: `globalThis.__foreignRunnerRan = true;
export async function explainInBrowser() { throw new Error('the foreign runner ran'); }`,
    });

  it.each([
    [
      'a data: module',
      () => 'data:text/javascript,globalThis.__foreignRunnerRan=true;export const explainInBrowser=()=>1',
    ],
    ['a third origin', evil],
  ])('%s is refused with runner_not_allowed and never runs', async (_, runner) => {
    const before = third.asked.length;
    const o = await open({
      body: page(
        ES,
        `<attn-heatmap run="browser" src="${api}" model="tiny-bert" text="x" runner="${attr(runner())}"></attn-heatmap>`,
      ),
      csp: permissive(),
    });
    const alert = await waitForMessage(o.page, 'alert');
    expect(alert).toContain('runner_not_allowed');
    expect(
      await o.page.evaluate(() => (globalThis as { __foreignRunnerRan?: boolean }).__foreignRunnerRan),
    ).toBe(undefined);
    expect(third.asked.slice(before)).toEqual([]); // not even fetched
    expect(await o.violations()).toEqual([]);
    await o.page.close();
  });

  it('a page script can allow the third origin with AttnHeatmapElement.allowRunnerOrigin()', async () => {
    const runner = evil();
    // The opt-in is a script file of the host origin (no inline script), which mounts the element
    // only after it has allowed the origin.
    const hostScript = host.serve('/allow.js', {
      type: 'text/javascript',
      body: `const C = await customElements.whenDefined('attn-heatmap');
C.allowRunnerOrigin(${JSON.stringify(third.origin)});
const el = document.createElement('attn-heatmap');
for (const [k, v] of Object.entries({ run: 'browser', src: ${JSON.stringify(api)}, model: 'tiny-bert', text: 'x', runner: ${JSON.stringify(runner)} })) el.setAttribute(k, v);
document.body.append(el);`,
    });
    const o = await open({
      body: page(`${ES}<script type="module" src="${hostScript}"></script>`, ''),
      csp: strictCsp([host.origin, third.origin]),
    });
    const alert = await waitForMessage(o.page, 'alert');
    // it was imported and ran; its own error is what the element shows
    expect(alert).toContain('the foreign runner ran');
    expect(alert).toContain('runner_failed');
    expect(
      await o.page.evaluate(() => (globalThis as { __foreignRunnerRan?: boolean }).__foreignRunnerRan),
    ).toBe(true);
    await o.page.close();
  });
});
