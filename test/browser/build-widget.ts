/**
 * Builds dist/widget with Vite's build() API unless it is newer than every widget source, so the
 * browser tests always drive the bundle that ships. Call it from beforeAll, or name this file in a
 * vitest globalSetup (the default export).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { BUNDLE, REPO } from './paths.js';

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (!/\.test\.tsx?$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export async function ensureWidgetBuilt(): Promise<void> {
  const sources = Math.max(
    newestSource(join(REPO, 'widget')),
    newestSource(join(REPO, 'shared/schema')),
    statSync(join(REPO, 'vite.config.ts')).mtimeMs,
  );
  const iife = BUNDLE.replace(/\.js$/, '.iife.js');
  if (
    existsSync(BUNDLE) &&
    existsSync(iife) &&
    Math.min(statSync(BUNDLE).mtimeMs, statSync(iife).mtimeMs) > sources
  )
    return;
  await build({ root: REPO, configFile: join(REPO, 'vite.config.ts'), logLevel: 'warn' });
}

export default ensureWidgetBuilt;
