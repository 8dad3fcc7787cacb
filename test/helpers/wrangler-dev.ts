/**
 * Starts `wrangler dev` (workerd, the same bundle and assets that deploy) on a free loopback port,
 * with extra `--var`s and a state folder (the Cache API persists there), and stops it again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

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

export interface WranglerDev {
  url: string;
  stop(): Promise<void>;
}

export async function startWranglerDev(
  vars: Record<string, string>,
  persistTo: string,
): Promise<WranglerDev> {
  const port = await freePort();
  let output = '';
  const child = spawn(
    'npx',
    [
      'wrangler',
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
      '--persist-to',
      persistTo,
      '--log-level',
      'warn',
    ],
    {
      detached: true, // its own process group, so that stopping it stops workerd too
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
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/v1/models`, child, () => output);
  return {
    url,
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        return; // already gone
      }
      // wait for the group to exit; SIGKILL it if it lingers
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // stopped by SIGINT
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
