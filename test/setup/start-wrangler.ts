/**
 * Starts `wrangler dev` on a free loopback port with its own state folder, waits until it answers
 * and keeps its output in a log file. Used by the global setup (./wrangler.ts) and by test files that
 * need a worker of their own (other assets, other vars).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WranglerOptions {
  /** `--var NAME:value` for each entry */
  vars?: Record<string, string>;
  /** an assets folder instead of wrangler.toml's dist/site */
  assets?: string;
  logLevel?: 'debug' | 'info' | 'log' | 'warn' | 'error';
  /** a state folder (the Cache API persists there) that outlives this wrangler; else a fresh one */
  persistTo?: string;
  /** the path polled until it answers 200 (default /v1/models) */
  ready?: string;
}

export interface Wrangler {
  url: string;
  /** wrangler's stdout and stderr so far */
  logFile: string;
  log(): string;
  /** wrangler's process id (its process group holds workerd) */
  pid: number;
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

export async function startWrangler(opts: WranglerOptions = {}): Promise<Wrangler> {
  const port = await freePort();
  // A fresh state folder: the Cache API persists locally, and a previous run's documents must not
  // answer this run's requests. The log lives beside it.
  const state = mkdtempSync(join(tmpdir(), 'attn-heatmap-wrangler-'));
  const logFile = join(state, 'wrangler.log');
  writeFileSync(logFile, '');
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
      ...(opts.assets ? ['--assets', opts.assets] : []),
      '--persist-to',
      opts.persistTo ?? join(state, 'state'),
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
  const keep = (d: Buffer) => appendFileSync(logFile, d);
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const log = () => readFileSync(logFile, 'utf8');
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGINT');
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // stopped by SIGINT
    }
    rmSync(state, { recursive: true, force: true });
  };
  try {
    await waitFor(`${url}${opts.ready ?? '/v1/models'}`, child, log);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, logFile, log, pid: child.pid!, stop };
}
