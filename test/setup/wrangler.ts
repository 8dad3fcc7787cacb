/**
 * Vitest global setup: starts `wrangler dev` (workerd, the same bundle and assets that deploy) on a
 * free loopback port and provides its URL to tests as `inject('apiUrl')`. Assumes `npm run build`
 * has assembled dist/site. wrangler's output goes to a log file (`inject('wranglerLog')`) that
 * ./wrangler-log.ts prints the tail of when a test fails: workerd's own errors (a restart, an
 * uncaught exception) are there, not in the response.
 */
import type { TestProject } from 'vitest/node';
import { startWrangler } from './start-wrangler.js';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    wranglerLog: string;
  }
}

export default async function setup(project: TestProject) {
  const w = await startWrangler({ vars: { DIAGNOSTICS: 'on' } });
  project.provide('apiUrl', w.url);
  project.provide('wranglerLog', w.logFile);
  return () => w.stop();
}
