/**
 * Load test (issue 11): mixed attention / saliency / probe traffic from 1, 4 and 16 concurrent
 * clients against a `wrangler dev` this script starts itself on loopback (`--var DIAGNOSTICS:on`),
 * each phase for a bounded time; prints latency p50 / p99, throughput, responses by status (and error
 * code), and the isolate's wasm heap at the end. Texts and seeds vary per request, so nearly every
 * request misses the cache and does model work. A 503 `busy` (the queue limit, with Retry-After) is
 * documented; anything else that is not a 200 is an error.
 *
 *   npm run bench:load                         # 1, 4, 16 clients, 20 s each
 *   npm run bench:load -- --duration 60        # the full run
 *   npm run bench:load -- --clients 4 --duration 10
 *   npm run bench:load -- --url http://127.0.0.1:PORT   # a worker started elsewhere
 *
 * `--url` takes any running server: e.g. the user worker's own workerd port behind a wrangler dev
 * (`ss -ltnp | grep workerd`: the second listener), which leaves out wrangler's local proxy and its
 * devtools relay; README "Load" compares the two. `--wrangler-log debug` keeps wrangler's log in
 * /tmp/attn-heatmap-load-wrangler.log.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LIMITS } from '../shared/schema/limits.js';
import { Rng } from '../shared/util/random.js';
import { startWrangler } from '../test/setup/start-wrangler.js';
import { machineLine } from './lib/machine.js';
import { markdownTable, rightAligned } from './lib/table.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    clients: { type: 'string', default: '1,4,16' },
    seed: { type: 'string', default: '1' },
    /** wrangler's log level; its log is kept at the end under /tmp */
    'wrangler-log': { type: 'string', default: 'warn' },
    /** a server already running (e.g. started without wrangler dev's inspector) instead of our own */
    url: { type: 'string' },
  },
});
const durationS = Math.min(120, Math.max(1, Number(values.duration)));
const clientCounts = values.clients
  .split(',')
  .map(Number)
  .filter((n) => n >= 1 && n <= 64);
/** No single request may hold a client longer than this. */
const REQUEST_TIMEOUT_MS = 120_000;

const WORDS =
  'the jury said it did find that many old laws were never enforced while city council should act soon on a new plan for schools roads water she found garden beautiful and peaceful yet house seemed cold empty strangely hostile to visitors'.split(
    ' ',
  );
const MODELS = ['brown-sentiment', 'brown-gpt', 'brown-seq2seq', 'tiny-bert', 'tiny-gpt2', 'tiny-marian'];

function words(rng: Rng, n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(rng.next() * WORDS.length)]).join(' ');
}

interface Req {
  kind: string;
  path: string;
  body: Record<string, unknown>;
}

/** One request of the mix: 55% attention, 35% saliency, 10% probe; models and sizes drawn at random. */
function nextRequest(rng: Rng, serial: number): Req {
  const r = rng.next();
  const model = MODELS[Math.floor(rng.next() * MODELS.length)];
  const text = `${serial} ${words(rng, 4 + Math.floor(rng.next() * 40))}`;
  if (r < 0.55) {
    return { kind: 'attention', path: '/v1/attention', body: { model, text, encoding: 'u8' } };
  }
  if (r < 0.9) {
    const method = ['gradient', 'integrated_gradients', 'smoothgrad', 'occlusion'][
      Math.floor(rng.next() * 4)
    ];
    return { kind: 'saliency', path: '/v1/saliency', body: { model, text, method } };
  }
  if (rng.next() < 0.5) {
    return {
      kind: 'probe',
      path: '/v1/probe',
      body: { model, task: 'pos', layers: [1], seed: serial },
    };
  }
  const examples = Array.from({ length: 12 }, () => {
    const t = words(rng, 6);
    return { text: t, labels: t.split(' ').map((w) => (w.length > 4 ? 'LONG' : 'SHORT')) };
  });
  return { kind: 'probe', path: '/v1/probe', body: { model, examples, seed: serial } };
}

interface Sample {
  ms: number;
  status: string;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function phase(url: string, clients: number, seed: number) {
  const samples: Sample[] = [];
  const until = performance.now() + durationS * 1000;
  let serial = seed * 1_000_000;
  const client = async (c: number) => {
    const rng = new Rng(seed * 1000 + c);
    while (performance.now() < until) {
      const req = nextRequest(rng, serial++);
      const t0 = performance.now();
      let status: string;
      try {
        const res = await fetch(`${url}${req.path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(req.body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await res.text();
        status = String(res.status);
        if (res.status !== 200) {
          let code = 'no JSON';
          try {
            code = JSON.parse(text).error?.code ?? code;
          } catch {
            // wrangler's own 503 is plain text
            if (/restarted mid-request/.test(text)) code = 'worker restarted mid-request';
          }
          status += ` ${code}`;
          if (res.status !== 503 || code !== 'busy')
            console.error(
              `! ${status} after ${Math.round(performance.now() - t0)} ms on ${req.kind} ${JSON.stringify(req.body).slice(0, 200)}`,
            );
          if (res.status === 503 && code === 'busy') {
            // honour Retry-After, bounded by the phase's end
            const wait = Number(res.headers.get('retry-after') ?? 1) * 1000;
            await new Promise((r) => setTimeout(r, Math.max(0, Math.min(wait, until - performance.now()))));
          }
        }
      } catch (e) {
        status = `failed ${(e as Error).name}`;
        console.error(
          `! ${status} after ${Math.round(performance.now() - t0)} ms on ${req.kind}: ${(e as Error).message}`,
        );
      }
      samples.push({ ms: performance.now() - t0, status: `${req.kind} ${status}` });
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  return { samples, seconds: (performance.now() - t0) / 1000 };
}

async function main() {
  const seed = Number(values.seed);
  const w = values.url
    ? { url: values.url.replace(/\/$/, ''), log: () => '', stop: async () => {} }
    : await startWrangler({ logLevel: values['wrangler-log'] as 'warn' });
  const rows: string[][] = [];
  const kindRows: string[][] = [];
  let heap = Number.NaN;
  try {
    // first use of each model (sessions, gradient graphs) is part of the traffic, as for a fresh isolate
    for (const clients of clientCounts) {
      const { samples, seconds } = await phase(w.url, clients, seed + clients);
      const ok = samples
        .filter((s) => s.status.endsWith(' 200'))
        .map((s) => s.ms)
        .sort((a, b) => a - b);
      const byStatus = new Map<string, number>();
      for (const s of samples) {
        const key = s.status.replace(/^\w+ /, '');
        byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
      }
      const errors = samples.filter((s) => !s.status.endsWith(' 200') && !s.status.endsWith('503 busy'));
      rows.push([
        String(clients),
        String(samples.length),
        (ok.length / seconds).toFixed(2),
        Math.round(quantile(ok, 0.5)).toLocaleString('en-US'),
        Math.round(quantile(ok, 0.99)).toLocaleString('en-US'),
        [...byStatus].map(([k, n]) => `${k}: ${n}`).join(', '),
        String(errors.length),
      ]);
      console.error(rows.at(-1)!.join(' | '));
      for (const kind of ['attention', 'saliency', 'probe']) {
        const ms = samples
          .filter((s) => s.status === `${kind} 200`)
          .map((s) => s.ms)
          .sort((a, b) => a - b);
        const fmt = (q: number) => Math.round(quantile(ms, q)).toLocaleString('en-US');
        kindRows.push([String(clients), kind, String(ms.length), fmt(0.5), fmt(0.99)]);
      }
    }
    const diag = await (await fetch(`${w.url}/v1/_diagnostics`)).json();
    heap = diag.wasm_heap_bytes / 2 ** 20;
  } finally {
    const log = w.log();
    writeFileSync('/tmp/attn-heatmap-load-wrangler.log', log);
    await w.stop();
    if (/error|restarted/i.test(log)) console.error(`wrangler log:\n${log.slice(-4000)}`);
  }
  console.log(
    markdownTable(
      rightAligned(
        'clients',
        'requests',
        'ok / s',
        'p50 ms (200s)',
        'p99 ms (200s)',
        'responses by status',
        'errors (not 200, not 503 busy)',
      ),
      rows,
    ),
  );
  console.log('\nLatency of the 200s by kind:\n');
  console.log(
    markdownTable(
      [...rightAligned('clients'), 'kind', ...rightAligned('200s', 'p50 ms', 'p99 ms')],
      kindRows,
    ),
  );
  console.log(
    `\n${durationS} s per phase; wasm heap at the end: ${heap.toFixed(1)} MiB (budget 96 MiB); queue limit ${LIMITS.max_queued_requests}`,
  );
  console.log(machineLine());
}

await main();
