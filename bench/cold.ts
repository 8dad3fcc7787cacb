/**
 * Cold start on onnxruntime-web's WASM (1 thread), each cold sample in a fresh Node process: V8 runs
 * wasm on its baseline tier first and tiers hot functions up in the background, so a fresh process
 * (or workerd isolate) explains slower than a warm one, and bench/saliency.ts (which warms up) never
 * shows it. Per child: open brown-sentiment (int8, as the worker serves it, with the worker's batch
 * budget), then time the first explanation (integrated gradients, 32 steps) and the same
 * explanation `WARM_RUNS` more times; the child's cold ÷ warm is its first ÷ the median of the rest.
 * Variants, run interleaved child by child:
 *
 * - `none`: the model opened, then the explanation (what a fresh isolate did before issue 17);
 * - `warm-up`: `warmUpSaliency` after opening (what the worker now runs in waitUntil when it opens a
 *   model), its own time reported apart;
 * - `eager` : node's `--no-wasm-dynamic-tiering` (every function compiled by the optimizing tier in
 *   the background at once; workerd takes no V8 flags from a Worker, so this is for reference).
 *
 *   npx tsx bench/cold.ts [--tokens 16,64] [--children 3]
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-web';
import { integratedGradients } from '../shared/explain/saliency/integrated-gradients.js';
import { warmUpSaliency } from '../shared/explain/saliency/warm-up.js';
import { createSessionFactory, type OrtModule } from '../shared/runtime/session.js';
import { Rng } from '../shared/util/random.js';
import { brownContext, brownExample } from './lib/brown.js';
import { machineLine } from './lib/machine.js';
import { markdownTable, ratio, rightAligned } from './lib/table.js';
import { median } from './lib/timing.js';

const WORKER_BUDGET = 24 * 2 ** 20;
const WARM_RUNS = 4;
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : process.argv[i + 1];
};

interface ChildResult {
  openMs: number;
  warmUpMs: number;
  firstMs: number;
  warmMs: number;
}

async function child(tokens: number, warm: boolean): Promise<void> {
  ort.env.wasm.numThreads = 1;
  const t0 = performance.now();
  const { ctx } = await brownContext(createSessionFactory(ort as unknown as OrtModule), 'int8', {
    memoryBudget: WORKER_BUDGET,
  });
  const openMs = performance.now() - t0;
  const t1 = performance.now();
  if (warm) await warmUpSaliency(ctx);
  const warmUpMs = performance.now() - t1;
  const { input, target } = brownExample(tokens, new Rng(tokens), ctx.embedding.vocab);
  const explain = async () => {
    const t = performance.now();
    await integratedGradients.attribute(ctx, input, target, { steps: 32 });
    return performance.now() - t;
  };
  const firstMs = await explain();
  const rest: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) rest.push(await explain());
  const r: ChildResult = { openMs, warmUpMs, firstMs, warmMs: median(rest) };
  console.log(JSON.stringify(r));
}

const run = promisify(execFile);
const VARIANTS = {
  none: { flags: [] as string[], warm: false },
  'warm-up': { flags: [] as string[], warm: true },
  eager: { flags: ['--no-wasm-dynamic-tiering'], warm: false },
};
type Variant = keyof typeof VARIANTS;

async function sample(v: Variant, tokens: number): Promise<ChildResult> {
  const { flags, warm } = VARIANTS[v];
  const args = [...flags, ...process.execArgv, process.argv[1], '--child', String(tokens), warm ? '1' : '0'];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as ChildResult;
}

async function main() {
  const started = performance.now();
  const load = loadavg()[0];
  const lengths = arg('--tokens', '16,64').split(',').map(Number);
  const children = Number(arg('--children', '3'));
  const rows: string[][] = [];
  for (const tokens of lengths) {
    const got: Record<Variant, ChildResult[]> = { none: [], 'warm-up': [], eager: [] };
    for (let i = 0; i < children; i++)
      for (const v of Object.keys(VARIANTS) as Variant[]) got[v].push(await sample(v, tokens));
    for (const v of Object.keys(VARIANTS) as Variant[]) {
      const rs = got[v];
      const m = (f: (r: ChildResult) => number) => median(rs.map(f));
      rows.push([
        String(tokens),
        v,
        m((r) => r.openMs).toFixed(0),
        m((r) => r.warmUpMs).toFixed(0),
        m((r) => r.firstMs).toFixed(0),
        m((r) => r.warmMs).toFixed(0),
        ratio(m((r) => r.firstMs / r.warmMs)),
        ratio(m((r) => r.firstMs / got.none[rs.indexOf(r)].warmMs)),
      ]);
    }
  }
  console.log(
    `### cold vs warm: brown-sentiment int8, integrated gradients 32 steps, a fresh process per sample\n`,
  );
  console.log(
    markdownTable(
      [
        ...rightAligned('tokens'),
        'variant',
        ...rightAligned(
          'open ms',
          'warm-up ms',
          'first IG ms',
          'warm IG ms',
          'first ÷ warm (own)',
          'first ÷ warm (none)',
        ),
      ],
      rows,
    ),
  );
  console.log(
    `\nMedians over ${children} children per row, interleaved. "own": each child's first ÷ its own later runs;` +
      ` "none": ÷ the paired \`none\` child's warm runs (the same warm figure for every variant).`,
  );
  console.log(
    machineLine([
      `onnxruntime-web ${ort.env.versions.web ?? '?'} (wasm, 1 thread)`,
      `${((performance.now() - started) / 1000).toFixed(0)} s`,
      `load average ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
    ]),
  );
}

if (process.argv[2] === '--child') await child(Number(process.argv[3]), process.argv[4] === '1');
else await main();
