/**
 * Vitest global setup: starts `wrangler dev` (workerd, the same bundle and assets that deploy) on a
 * free loopback port and provides its URL to tests as `inject('apiUrl')`. Assumes `npm run build`
 * has assembled dist/site.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor(url: string, child: ChildProcess, log: () => string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${log()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer ${url} within ${ms} ms:\n${log()}`);
}

export interface Wrangler {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev` on a free loopback port with DIAGNOSTICS on and the given extra vars (e.g.
 * `{ CORS_ORIGINS: 'https://a.example' }` for a test of a restricted deployment).
 */
export async function startWrangler(vars: Record<string, string> = {}): Promise<Wrangler> {
  const port = await freePort();
  let output = '';
  // A fresh state folder: the Cache API persists locally, and a previous run's documents must not
  // answer this run's requests.
  const state = mkdtempSync(join(tmpdir(), 'attn-heatmap-wrangler-'));
  const varArgs = Object.entries({ DIAGNOSTICS: 'on', ...vars }).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const child = spawn(
    'npx',
    [
      'wrangler',
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      ...varArgs,
      '--persist-to',
      state,
      '--log-level',
      'warn',
    ],
    {
      detached: true, // its own process group, so that teardown stops workerd too
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        CI: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/v1/models`, child, () => output);
  return {
    url,
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 500));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // stopped by SIGINT
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject) {
  const w = await startWrangler();
  project.provide('apiUrl', w.url);
  return () => w.stop();
}
