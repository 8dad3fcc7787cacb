/**
 * Progress and cancel in real Chromium against the real worker (its static assets serve the runner,
 * ORT's .wasm and the model folders): the runner's events arrive in order with byte counts that end
 * at the files' sizes; cancelling aborts the download; the element shows the stage, a progress bar,
 * Cancel and Try again, dispatches attn-progress, and names the backend and precision that ran.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchContext } from '../test/browser/chromium.js';
import type { Progress } from './runner/progress.js';

const api = inject('apiUrl');
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  profile = mkdtempSync(join(tmpdir(), 'attn-progress-'));
  context = await launchContext(profile);
});
afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** A fresh page (a fresh runner module: nothing loaded yet) on the worker's origin. */
async function freshPage(): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${api}/`);
  return page;
}

/** Chromium's own network throttling (DevTools), so a download lasts long enough to cancel. */
async function throttle(page: Page, bytesPerSecond: number, latencyMs = 0) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: latencyMs,
    downloadThroughput: bytesPerSecond,
    uploadThroughput: -1,
  });
}

const RUNNER = '/widget/runner/attn-heatmap-runner.js';

function checkOrder(events: Progress[]) {
  const order = ['download', 'compile', 'run'];
  const stages = events.map((e) => order.indexOf(e.stage));
  for (let i = 1; i < stages.length; i++) expect(stages[i]).toBeGreaterThanOrEqual(stages[i - 1]);
  const perFile = new Map<string, number>();
  let sum = 0;
  for (const e of events.filter((x) => x.stage === 'download')) {
    expect(e.loaded!).toBeGreaterThanOrEqual(perFile.get(e.file!) ?? 0);
    perFile.set(e.file!, e.loaded!);
    if (e.total !== undefined) expect(e.loaded!).toBeLessThanOrEqual(e.total);
    expect(e.bytes!.loaded).toBeGreaterThanOrEqual(sum);
    sum = e.bytes!.loaded;
  }
  return perFile;
}

describe('the in-browser runner reports progress', () => {
  it('stages in order, bytes monotone, each file ending at its size, the sum ending at the total', async () => {
    const page = await freshPage();
    const { events, backend } = (await page.evaluate(`(async () => {
      const r = await import('${RUNNER}');
      const events = [];
      const doc = await r.explainInBrowser(
        { modelUrl: '/models/tiny-bert/', text: 'the cat sat', backend: 'wasm' },
        { onProgress: (p) => events.push(JSON.parse(JSON.stringify(p))) });
      return { events, backend: doc.metrics.backend };
    })()`)) as { events: Progress[]; backend: string };
    expect(backend).toBe('wasm');
    expect([...new Set(events.map((e) => e.stage))]).toEqual(['download', 'compile', 'run']);
    const perFile = checkOrder(events);
    const size = (f: string) => statSync(f).size;
    expect(Object.fromEntries(perFile)).toEqual({
      'config.json': size('dist/site/models/tiny-bert/config.json'),
      'tokenizer_config.json': size('dist/site/models/tiny-bert/tokenizer_config.json'),
      'tokenizer.json': size('dist/site/models/tiny-bert/tokenizer.json'),
      'onnx/model_quantized.onnx': size('dist/site/models/tiny-bert/onnx/model_quantized.onnx'),
      'ort-wasm-simd-threaded.wasm': size('dist/site/widget/runner/ort-wasm-simd-threaded.wasm'),
    });
    // Each file's last event has loaded = total; the last download event's sum is every byte.
    for (const f of perFile.keys()) {
      const last = events.filter((e) => e.file === f).at(-1)!;
      expect(last.total).toBe(last.loaded);
    }
    const last = events.filter((e) => e.stage === 'download').at(-1)!;
    const all = [...perFile.values()].reduce((a, b) => a + b, 0);
    expect(last.bytes).toEqual({ loaded: all, total: all });
    // The sum's total, once told, is the whole load's (never a part of it).
    for (const e of events) if (e.bytes?.total !== undefined) expect(e.bytes.total).toBe(all);
    // A second request on the open model only runs.
    const again = (await page.evaluate(`(async () => {
      const r = await import('${RUNNER}');
      const events = [];
      await r.explainInBrowser({ modelUrl: '/models/tiny-bert/', text: 'a dog', backend: 'wasm' },
        { onProgress: (p) => events.push(p.stage) });
      return events;
    })()`)) as string[];
    expect(again).toEqual(['run']);
    await page.close();
  }, 120_000);

  it('cancel aborts the download: the request fails as aborted, no bytes follow, the call rejects', async () => {
    const page = await freshPage();
    await throttle(page, 1_000_000);
    const aborted: string[] = [];
    page.on('requestfailed', (r) => aborted.push(`${new URL(r.url()).pathname} ${r.failure()?.errorText}`));
    const r = (await page.evaluate(`(async () => {
      const { explainInBrowser } = await import('${RUNNER}');
      const ctl = new AbortController();
      const events = [];
      let afterAbort = 0;
      const p = explainInBrowser(
        { modelUrl: '/models/brown-sentiment/', text: 'a happy day', backend: 'wasm' },
        { signal: ctl.signal, onProgress: (e) => {
          if (ctl.signal.aborted) afterAbort++;
          events.push(e);
          if (e.file === 'onnx/model_quantized.onnx' && e.loaded > 0) ctl.abort();
        } });
      let error = null;
      try { await p; } catch (e) { error = e.name; }
      // Give the aborted streams a moment in which no further bytes may be reported.
      await new Promise((ok) => setTimeout(ok, 500));
      return { error, afterAbort, stages: [...new Set(events.map((e) => e.stage))] };
    })()`)) as { error: string; afterAbort: number; stages: string[] };
    expect(r.error).toBe('AbortError');
    expect(r.afterAbort).toBe(0);
    expect(r.stages).toEqual(['download']);
    await expect
      .poll(() => aborted)
      .toContain('/models/brown-sentiment/onnx/model_quantized.onnx net::ERR_ABORTED');
    await page.close();
  }, 120_000);
});

/** Adds an element; records its attn-progress details and final event. */
async function mountElement(page: Page, attrs: Record<string, string>) {
  await page.evaluate((a) => {
    const w = window as unknown as { progress: unknown[]; done: unknown[] };
    w.progress = [];
    w.done = [];
    const el = document.createElement('attn-heatmap');
    for (const [k, v] of Object.entries(a)) el.setAttribute(k, v);
    el.addEventListener('attn-progress', (e) => w.progress.push((e as CustomEvent).detail));
    el.addEventListener('attn-load', () => w.done.push('load'));
    el.addEventListener('attn-error', (e) => w.done.push((e as CustomEvent).detail));
    el.addEventListener('attn-cancel', () => w.done.push('cancel'));
    document.body.prepend(el);
  }, attrs);
  return page.locator('attn-heatmap').first();
}

describe('<attn-heatmap> shows progress and can cancel', () => {
  it('run="browser": stage, progress bar, Cancel → cancelled, Try again → the view, backend and precision named', async () => {
    const page = await freshPage();
    await throttle(page, 2_000_000);
    const el = await mountElement(page, {
      run: 'browser',
      model: 'brown-sentiment',
      text: 'a happy and peaceful day',
      backend: 'wasm',
    });
    const bar = el.getByRole('progressbar', { name: 'Download' });
    // the first bytes come after the widget, the runner and ORT's script (slow on a loaded machine)
    await expect
      .poll(() => bar.getAttribute('aria-valuenow').then(Number), { timeout: 30_000 })
      .toBeGreaterThan(0);
    expect(Number(await bar.getAttribute('aria-valuemax'))).toBeGreaterThan(
      Number(await bar.getAttribute('aria-valuenow')),
    );
    expect(await el.getByRole('status').first().textContent()).toBe('Downloading the model…');
    await el.getByRole('button', { name: 'Cancel' }).click();
    expect(await el.getByRole('status').first().textContent()).toBe('Cancelled.');
    expect(await page.evaluate(() => (window as unknown as { done: unknown[] }).done)).toEqual(['cancel']);
    const seen = await page.evaluate(() => (window as unknown as { progress: Progress[] }).progress.length);
    // No progress is told after the cancel.
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { progress: Progress[] }).progress.length)).toBe(
      seen,
    );

    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.evaluate(() => {
      (window as unknown as { progress: unknown[] }).progress = [];
    });
    await el.getByRole('button', { name: 'Try again' }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { done: unknown[] }).done), {
        timeout: 90_000,
      })
      .toEqual(['cancel', 'load']);
    const stages = await page.evaluate(() =>
      (window as unknown as { progress: Progress[] }).progress.map((p) => p.stage),
    );
    expect([...new Set(stages)]).toEqual(['download', 'compile', 'run']);
    checkOrder(await page.evaluate(() => (window as unknown as { progress: Progress[] }).progress));
    expect(await el.locator('.model').textContent()).toContain('ran in this page on WASM, int8');
    await page.close();
  }, 150_000);

  it('API requests: "Waiting for the API…" with Cancel, which aborts the request; Try again asks again', async () => {
    const page = await freshPage();
    await throttle(page, -1, 3_000);
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${new URL(r.url()).pathname} ${r.failure()?.errorText}`));
    const el = await mountElement(page, { src: '/', model: 'tiny-bert', text: 'the cat sat' });
    await expect.poll(() => el.getByRole('status').first().textContent()).toBe('Waiting for the API…');
    expect(await page.evaluate(() => (window as unknown as { progress: unknown[] }).progress)).toEqual([
      { stage: 'api' },
    ]);
    await el.getByRole('button', { name: 'Cancel' }).click();
    expect(await el.getByRole('status').first().textContent()).toBe('Cancelled.');
    await expect.poll(() => failed).toContain('/v1/attention net::ERR_ABORTED');
    await el.getByRole('button', { name: 'Try again' }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { done: unknown[] }).done), {
        timeout: 30_000,
      })
      .toEqual(['cancel', 'load']);
    expect(await el.locator('.model').textContent()).toContain('heads · int8');
    await page.close();
  }, 60_000);
});
