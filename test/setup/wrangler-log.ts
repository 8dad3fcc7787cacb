/**
 * Vitest setup file for tests against the global `wrangler dev`: when a test fails, prints what
 * wrangler and workerd wrote while it ran (a restart, an uncaught exception, a workerd warning),
 * which the response alone does not show.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { beforeEach, inject, onTestFailed } from 'vitest';

/** The tail of `file` written since `from`, at most `max` characters. */
export function logSince(file: string, from: number, max = 8000): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file).subarray(from).toString('utf8');
  return text.length > max ? `…${text.slice(-max)}` : text;
}

/** Prints `file`'s output since now if the running test fails. */
export function printLogOnFailure(file: string, label = 'wrangler dev'): void {
  const from = existsSync(file) ? statSync(file).size : 0;
  onTestFailed(() => {
    const text = logSince(file, from);
    console.error(`--- ${label} output during this test ---\n${text || '(none)'}\n--- end ---`);
  });
}

beforeEach(() => printLogOnFailure(inject('wranglerLog')));
