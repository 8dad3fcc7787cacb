/**
 * Vitest global setup: starts `wrangler dev` (workerd, the same bundle and assets that deploy) on a
 * free loopback port and provides its URL to tests as `inject('apiUrl')`. Assumes `npm run build`
 * has assembled dist/site.
 */
import type { TestProject } from 'vitest/node';
import { startWrangler } from '../helpers/wrangler-process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const wrangler = await startWrangler();
  project.provide('apiUrl', wrangler.url);
  return () => wrangler.stop();
}
