/**
 * Vitest global setup: starts `wrangler dev` (test/helpers/wrangler-dev.ts) and provides its URL to
 * tests as `inject('apiUrl')`. Assumes `npm run build` has assembled dist/site.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startWranglerDev } from '../helpers/wrangler-dev.js';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // A fresh state folder: the Cache API persists locally, and a previous run's documents must not
  // answer this run's requests.
  const state = mkdtempSync(join(tmpdir(), 'attn-heatmap-wrangler-'));
  const dev = await startWranglerDev({ DIAGNOSTICS: 'on' }, state);
  project.provide('apiUrl', dev.url);
  return async () => {
    await dev.stop();
    rmSync(state, { recursive: true, force: true });
  };
}
