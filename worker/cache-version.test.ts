/**
 * CACHE_VERSION is part of the response cache key: workerd restarted on the same state folder (the
 * Cache API persists there) serves a hit under the same version and a miss under a new one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startWrangler } from '../test/setup/start-wrangler.js';

const state = mkdtempSync(join(tmpdir(), 'attn-heatmap-cache-version-'));
afterAll(() => rmSync(state, { recursive: true, force: true }));

/** x-cache of each of `times` identical requests to a workerd started with this CACHE_VERSION. */
async function xCache(version: string, body: unknown, times = 1): Promise<(string | null)[]> {
  const dev = await startWrangler({ vars: { CACHE_VERSION: version }, persistTo: state });
  try {
    const seen: (string | null)[] = [];
    for (let i = 0; i < times; i++) {
      const res = await fetch(`${dev.url}/v1/attention`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      seen.push(res.headers.get('x-cache'));
    }
    return seen;
  } finally {
    await dev.stop();
  }
}

it('a new CACHE_VERSION misses where the old one hits', async () => {
  const body = { model: 'tiny-bert', text: 'cache version', encoding: 'u8' };
  // the second answer is a hit: the document is stored before this workerd stops
  expect(await xCache('a', body, 2)).toEqual(['miss', 'hit']);
  expect(await xCache('a', body)).toEqual(['hit']); // the cache outlived the restart
  expect(await xCache('b', body)).toEqual(['miss']);
}, 120_000);
