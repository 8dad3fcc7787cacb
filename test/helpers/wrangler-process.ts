/**
 * Starts `wrangler dev` (workerd, the same bundle and assets that deploy) on a free loopback port,
 * with its own state folder, and stops it (its whole process group) on `stop()`. Used by the worker
 * tests' global setup, by tests that need an instance of their own, and by bench/load.ts. Assumes
 * `npm run build` has assembled dist/site.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Wrangler {
  url: string;
  /** process id of `npx wrangler` (the group leader) */
  pid: number;
  /** what wrangler and workerd printed so far */
  output(): string;
  stop(): Promise<void>;
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

async function waitFor(url: string, child: ChildProcess, log: () => string, ms: number): Promise<void> {
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

export async function startWrangler(
  opts: { vars?: Record<string, string>; logLevel?: string; startMs?: number } = {},
): Promise<Wrangler> {
  const port = await freePort();
  let output = '';
  // A fresh state folder: the Cache API persists locally, and a previous run's documents must not
  // answer this run's requests.
  const state = mkdtempSync(join(tmpdir(), 'attn-heatmap-wrangler-'));
  const vars = Object.entries({ DIAGNOSTICS: 'on', ...opts.vars }).flatMap(([k, v]) => [
    '--var',
    `${k}:${v}`,
  ]);
  const child = spawn(
    'npx',
    [
      'wrangler',
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      ...vars,
      '--persist-to',
      state,
      '--log-level',
      opts.logLevel ?? 'warn',
    ],
    {
      detached: true, // its own process group, so that stop() ends workerd too
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
  const stop = async () => {
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
  };
  try {
    await waitFor(`${url}/v1/models`, child, () => output, opts.startMs ?? 60_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, pid: child.pid!, output: () => output, stop };
}
