/**
 * One list of error codes: README's table says what shared/schema/error-codes.ts says, and every code
 * the sources throw (worker, core and CLI) is in it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

/** Codes written in the sources: core error classes, probe errors, refinements and ApiErrors. */
function thrownCodes(): Map<string, string> {
  const patterns = [
    /readonly code = '(\w+)'/g,
    /ProbeInputError\(\s*'(\w+)'/g,
    /params: \{ code: '(\w+)' \}/g,
    /new ApiError\(\s*'(\w+)'/g,
    /errorResponse\(\s*c,\s*'(\w+)'/g,
    /new (?:RequestError|CliError)\(\s*'(\w+)'/g,
    /const code = [\w.]+ === '\w+' \? '(\w+)' : '(\w+)'/g, // chosen by a condition (../explain/preconditions.ts)
  ];
  const found = new Map<string, string>();
  for (const file of [...sources('worker'), ...sources('shared'), ...sources('cli')]) {
    const text = readFileSync(file, 'utf8');
    for (const re of patterns)
      for (const m of text.matchAll(re)) for (const code of m.slice(1)) found.set(code, file);
    // ProbeErrorCode's members (shared/explain/probe/errors.ts)
    const union = text.match(/export type ProbeErrorCode =([^;]+);/);
    for (const m of union?.[1].matchAll(/'(\w+)'/g) ?? []) found.set(m[1], file);
  }
  return found;
}

describe('error codes', () => {
  it("README's table lists exactly the codes of shared/schema/error-codes.ts, with their statuses", () => {
    const readme = readFileSync('README.md', 'utf8');
    const table = readme.slice(
      readme.indexOf('<!-- error-codes:start -->'),
      readme.indexOf('<!-- error-codes:end -->'),
    );
    const rows = [...table.matchAll(/^\| `(\w+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]));
  });

  it('every code the worker and the core throw is listed', () => {
    const thrown = thrownCodes();
    // the scan finds the codes it should (guards against a pattern that matches nothing)
    for (const code of ['invalid_target', 'too_few_classes', 'unsupported_media_type', 'layer_out_of_range'])
      expect(thrown.has(code), code).toBe(true);
    const missing = [...thrown].filter(([code]) => !(code in ERROR_CODES));
    expect(missing).toEqual([]);
  });

  it('each code has a 4xx or 5xx status and a meaning', () => {
    for (const [code, { status, meaning }] of Object.entries(ERROR_CODES)) {
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(meaning.length, code).toBeGreaterThan(0);
    }
  });
});
