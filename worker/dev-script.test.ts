/**
 * `npm start`'s server (`npm run dev`, the script itself, with the caller's environment lacking
 * wrangler's settings) starts offline without the `Request.cf` fetch and its stack trace: the script
 * sets CLOUDFLARE_CF_FETCH_ENABLED=false, which wrangler documents for this. Checked against the
 * whole banner (default log level), where the warning is printed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

it('npm run dev starts without fetching Request.cf (no stack trace in its output)', async () => {
  const port = await freePort();
  const state = mkdtempSync(join(tmpdir(), 'attn-heatmap-dev-'));
  // as a user's shell has it: neither the setting nor vitest's NODE_ENV=test (which skips the fetch too)
  const { CLOUDFLARE_CF_FETCH_ENABLED: _, NODE_ENV: __, ...env } = process.env;
  const child = spawn('npm', ['run', 'dev', '--', '--persist-to', state], {
    env: { ...env, PORT: String(port), CI: 'true' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const read = (d: Buffer) => {
      out += d;
      if (out.includes(`Ready on http://127.0.0.1:${port}`)) resolve();
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`npm run dev exited (${code}):\n${out}`)));
  });
  try {
    await ready;
    expect((await fetch(`http://127.0.0.1:${port}/v1/models`)).status).toBe(200);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // stopped by SIGINT
    }
    rmSync(state, { recursive: true, force: true });
  }
  expect(out).not.toContain('Request.cf');
  expect(out).not.toMatch(/ENOTFOUND|^\s+at /m);
});
