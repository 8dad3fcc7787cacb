/**
 * What gradients cost, measured side by side in one run, on onnxruntime-web's WASM backend in Node
 * (one thread, the session options the edge uses) through the saliency core as shipped
 * (`createSaliencyContext` → `ctx.program(kind)`):
 *
 * 1. time(forward + backward) ÷ time(forward) at 16, 64 and 256 tokens, one example. The forward is
 *    the model as it is (`program.forward`: the original graph fed `inputs_embeds`, with the target
 *    appended; int8 stays int8); forward + backward is `program.gradient`, the gradient program the
 *    methods use (int8: the dequantized surrogate's gradient). The cheap-gradient principle says a
 *    small constant: the aim is ≤ 3.
 * 2. integrated gradients with 32 steps batched (`saliencyMethod('integrated_gradients')`, as shipped,
 *    which also runs the two end points forward) ÷ 32 sequential forward + backward runs of batch 1
 *    at the same points, at 64 tokens, with the default memory budget and the worker's 24 MiB.
 * 3. the wasm heap after integrated gradients at 128 tokens (32 steps), each configuration in a
 *    fresh process: a wasm heap only grows, so its size afterwards is that run's peak.
 *
 * Variants run interleaved round by round after a warm-up; the ratios are medians of per-round ratios.
 *
 *   npm run bench:saliency          # prints three Markdown tables and a line naming the machine
 *   npx tsx bench/saliency.ts --only tiny-marian   # the same for one model
 *   npx tsx bench/saliency.ts --only brown-sentiment   # the trained default model (models/), not in the default run
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-web';
import { buildTinyBert } from '../models/tiny/bert.js';
import type { ModelFiles } from '../models/tiny/files.js';
import { buildTinyGpt2 } from '../models/tiny/gpt2.js';
import { buildTinyMarian } from '../models/tiny/marian.js';
import { baselineInput } from '../shared/explain/saliency/baselines.js';
import {
  type AttributionInput,
  createSaliencyContext,
  type SaliencyContext,
  saliencyMethod,
} from '../shared/explain/saliency/index.js';
import { quadrature } from '../shared/explain/saliency/quadrature.js';
import { kindOf, type TargetSpec } from '../shared/explain/targets.js';
import { type ModelMeta, type Precision, type ReadFile, readModelMeta } from '../shared/runtime/model.js';
import { createSessionFactory, type OrtModule } from '../shared/runtime/session.js';
import { Rng } from '../shared/util/random.js';
import { machineLine } from './lib/machine.js';
import { int, markdownTable, ratio, rightAligned, timingCells } from './lib/table.js';
import { interleaved, type PairedTiming } from './lib/timing.js';
import { watchWasmHeap } from './lib/wasm-heap.js';

// Before any session exists: ORT instantiates its wasm module with the first one.
const heap = watchWasmHeap();
ort.env.wasm.numThreads = 1;
const webOrt = ort as unknown as OrtModule;
const factory = createSessionFactory(webOrt);

const LENGTHS = [16, 64, 256];
const PRECISIONS: Precision[] = ['int8', 'fp32'];
const IG_TOKENS = 64;
const IG_STEPS = 32;
const HEAP_TOKENS = 128;
/** The worker's budget for one batched gradient run (worker/registry.ts). */
const WORKER_BUDGET = 24 * 2 ** 20;
/** undefined: the context's default (64 MiB) */
const BUDGETS: (number | undefined)[] = [undefined, WORKER_BUDGET];
/** Measuring time per comparison (18 + 12 of them): keeps the whole run near two and a half minutes on 2 cores. */
const BUDGET_MS = 2500;
const IG_BUDGET_MS = 2000;
/**
 * A sample repeats a run until it lasts this long. Far longer than the timing helper's default: on
 * a loaded machine a sample shorter than a scheduler time slice is preempted or not by chance, the
 * longer variant more often, which biases even the median of paired ratios; long samples share the
 * slowdown in proportion.
 */
const SAMPLE_MS = 25;

interface Family {
  id: string;
  build: () => ModelFiles;
  /** an input of `n` tokens and the target explained, as the API's defaults would pick them */
  example: (n: number, rng: Rng, meta: ModelMeta) => { input: AttributionInput; target: TargetSpec };
}

const randomIds = (rng: Rng, n: number, vocab: number) =>
  Array.from({ length: n }, () => 5 + Math.floor(rng.next() * (vocab - 5)));
const vocabOf = (meta: ModelMeta): number => meta.config.decoder_vocab_size ?? meta.config.vocab_size;

const ALL_FAMILIES: Family[] = [
  {
    id: 'tiny-bert',
    build: () => buildTinyBert(),
    // a class probability
    example: (n, rng, meta) => ({
      input: { ids: randomIds(rng, n, vocabOf(meta)) },
      target: { score: 'probability', tokens: [2] },
    }),
  },
  {
    id: 'tiny-gpt2',
    build: () => buildTinyGpt2(),
    // the log-probability of the next token
    example: (n, rng, meta) => ({
      input: { ids: randomIds(rng, n, vocabOf(meta)) },
      target: { score: 'log_probability', tokens: randomIds(rng, 1, vocabOf(meta)), positions: [n - 1] },
    }),
  },
  {
    id: 'tiny-marian',
    build: () => buildTinyMarian(),
    // the log-probability of a whole n-token output (forced decoding, start token first)
    example: (n, rng, meta) => {
      const start = meta.config.decoder_start_token_id ?? meta.config.pad_token_id ?? 0;
      const out = randomIds(rng, n - 1, vocabOf(meta));
      return {
        input: { ids: randomIds(rng, n, vocabOf(meta)), decoderIds: [start, ...out] },
        target: { score: 'log_probability', tokens: out, positions: out.map((_, i) => i) },
      };
    },
  },
];
/** The trained default model, read from models/ (issue 17's figures): only with `--only brown-sentiment`. */
const BROWN_SENTIMENT: Family = {
  id: 'brown-sentiment',
  build: () => ({
    files: Object.fromEntries(
      ['config.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'].map((f) => [
        f,
        new Uint8Array(readFileSync(`models/brown-sentiment/${f}`)),
      ]),
    ),
  }),
  // the positive class's logit, as a classifier's IG explains it
  example: (n, rng, meta) => ({
    input: { ids: randomIds(rng, n, vocabOf(meta)) },
    target: { score: 'logit', tokens: [2] },
  }),
};
const only = process.argv.indexOf('--only');
const FAMILIES =
  only < 0 ? ALL_FAMILIES : [...ALL_FAMILIES, BROWN_SENTIMENT].filter((f) => f.id === process.argv[only + 1]);
if (FAMILIES.length === 0) throw new Error(`--only: no model ${process.argv[only + 1]}`);

function reader(files: ModelFiles['files']): ReadFile {
  return async (path) => {
    const f = files[path];
    if (f === undefined) throw new Error(`no file ${path}`);
    return typeof f === 'string' ? new TextEncoder().encode(f) : f;
  };
}

async function context(
  family: Family,
  files: ModelFiles['files'],
  precision: Precision,
  memoryBudget?: number,
): Promise<{ ctx: SaliencyContext; meta: ModelMeta }> {
  const read = reader(files);
  const meta = await readModelMeta(family.id, read);
  const ctx = await createSaliencyContext({ ...meta, precision }, read, factory, { memoryBudget });
  return { ctx, meta };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a));
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const budgetName = (b: number | undefined) =>
  b === undefined ? '64 MiB (default)' : b === WORKER_BUDGET ? '24 MiB (worker)' : `${mib(b)} MiB`;
/** the batch a context allows, and the runs integrated gradients take with it */
function batchCell(batch: number): string {
  const runs = Math.ceil(IG_STEPS / Math.min(batch, IG_STEPS));
  return `${int(batch)} (${runs} run${runs === 1 ? '' : 's'})`;
}

/**
 * V8 runs wasm on a baseline tier first and optimizes hot functions in the background: without a
 * warm-up the first comparisons measure partly unoptimized kernels.
 */
async function warmUp(family: Family, files: ModelFiles['files'], ms: number) {
  for (const precision of PRECISIONS) {
    const { ctx, meta } = await context(family, files, precision);
    const { input, target } = family.example(64, new Rng(5), meta);
    const program = ctx.program(kindOf(target));
    const x = ctx.embed(input.ids);
    await program.forward(x, 1, input, target);
    const end = performance.now() + ms / PRECISIONS.length;
    while (performance.now() < end) {
      await program.forward(x, 1, input, target);
      await program.gradient(x, 1, input, target);
    }
  }
}

// ── 1. forward + backward ÷ forward ─────────────────────────────────────────────────────────────

interface CostRow {
  family: string;
  precision: Precision;
  tokens: number;
  /** A: the forward, B: forward + backward */
  time: PairedTiming;
}

async function gradientCost(family: Family, files: ModelFiles['files'], precision: Precision) {
  const { ctx, meta } = await context(family, files, precision);
  const rng = new Rng(1234);
  const rows: CostRow[] = [];
  for (const n of LENGTHS) {
    const { input, target } = family.example(n, rng, meta);
    const program = ctx.program(kindOf(target));
    const x = ctx.embed(input.ids);
    // The forward first: an fp32 program answers `forward` with its gradient session when that is
    // the only one open, and the forward measured here is the model's own.
    const [f] = await program.forward(x, 1, input, target);
    const g = await program.gradient(x, 1, input, target);
    const label = `${family.id}/${precision}/${n}`;
    if (g.grads.length !== x.length || !g.grads.every(Number.isFinite))
      throw new Error(`${label}: the gradient is misshapen or not finite`);
    const s = program.surrogate ? (await program.surrogate(x, 1, input, target))[0] : f;
    if (!close(s, g.values[0]))
      throw new Error(`${label}: the gradient program's target ${g.values[0]} differs from ${s}`);
    const t = await interleaved(
      () => program.forward(x, 1, input, target),
      () => program.gradient(x, 1, input, target),
      { budgetMs: BUDGET_MS, minSampleMs: SAMPLE_MS },
    );
    rows.push({ family: family.id, precision, tokens: n, time: t });
  }
  return rows;
}

// ── 2. integrated gradients batched ÷ sequential ───────────────────────────────────────────────

/** A configuration of tables 2 and 3: a model, its weights and a memory budget, and the batch they allow. */
interface Config {
  family: string;
  precision: Precision;
  budget: number | undefined;
  batch: number;
}

/** The columns naming a configuration, which tables 2 and 3 begin with. */
const CONFIG_COLUMNS = ['model', 'weights', 'memory budget', ...rightAligned('batch')];
const configCells = (c: Config) => [c.family, c.precision, budgetName(c.budget), batchCell(c.batch)];

interface BatchRow extends Config {
  /** A: the sequential runs, B: integrated gradients batched */
  time: PairedTiming;
  completeness: number;
}

async function batchedVsSequential(
  family: Family,
  files: ModelFiles['files'],
  precision: Precision,
  budget: number | undefined,
): Promise<BatchRow> {
  // A fresh context, as a worker has: integrated gradients open their sessions as shipped.
  const { ctx, meta } = await context(family, files, precision, budget);
  const { input, target } = family.example(IG_TOKENS, new Rng(99), meta);
  const ig = saliencyMethod('integrated_gradients');
  const params = { steps: IG_STEPS, baseline: 'zero', method: 'gauss_legendre' } as const;
  const program = ctx.program(kindOf(target));
  // The same points the method takes: baseline + α (x − baseline) at its quadrature's α.
  const x = ctx.embed(input.ids);
  const base = baselineInput(ctx, input.ids.length, params.baseline);
  const points = quadrature(params.method, params.steps).alphas.map((a) =>
    x.map((v, i) => base[i] + a * (v - base[i])),
  );
  let completeness = Number.NaN;
  const t = await interleaved(
    async () => {
      for (const p of points) await program.gradient(p, 1, input, target);
    },
    async () => {
      const r = await ig.attribute(ctx, input, target, params);
      completeness = r.checks?.completeness_error ?? Number.NaN;
    },
    { warmup: 2, minPairs: 7, budgetMs: IG_BUDGET_MS },
  );
  return {
    family: family.id,
    precision,
    budget,
    batch: ctx.batchSize(IG_TOKENS),
    time: t,
    completeness,
  };
}

// ── 3. wasm heap of integrated gradients, one process per configuration ─────────────────────────

interface HeapResult {
  initial: number;
  after: number;
  batch: number;
}

/** In a child process: integrated gradients once, then the heap. */
async function heapChild(familyId: string, precision: Precision, budgetArg: string) {
  const family = [...ALL_FAMILIES, BROWN_SENTIMENT].find((f) => f.id === familyId)!;
  const budget = budgetArg === 'default' ? undefined : Number(budgetArg);
  const { ctx, meta } = await context(family, family.build().files, precision, budget);
  const { input, target } = family.example(HEAP_TOKENS, new Rng(7), meta);
  await saliencyMethod('integrated_gradients').attribute(ctx, input, target, { steps: IG_STEPS });
  if (!heap.found) throw new Error('the wasm memory was not found');
  const result: HeapResult = {
    initial: heap.initialBytes,
    after: heap.bytes(),
    batch: ctx.batchSize(HEAP_TOKENS),
  };
  console.log(JSON.stringify(result));
}

const run = promisify(execFile);

async function heapOf(family: Family, precision: Precision, budget: number | undefined): Promise<HeapResult> {
  const args = [
    ...process.execArgv,
    process.argv[1],
    '--heap',
    family.id,
    precision,
    budget === undefined ? 'default' : String(budget),
  ];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as HeapResult;
}

// ── main ─────────────────────────────────────────────────────────────────────────────────────────

async function main() {
  const started = performance.now();
  const loadBefore = loadavg()[0];
  const built = new Map(FAMILIES.map((f) => [f.id, f.build().files]));

  for (const family of FAMILIES) await warmUp(family, built.get(family.id)!, 1000);
  const costs: CostRow[] = [];
  for (const precision of PRECISIONS)
    for (const family of FAMILIES)
      costs.push(...(await gradientCost(family, built.get(family.id)!, precision)));

  const batches: BatchRow[] = [];
  for (const precision of PRECISIONS)
    for (const family of FAMILIES)
      for (const budget of BUDGETS)
        batches.push(await batchedVsSequential(family, built.get(family.id)!, precision, budget));

  // Two child processes at a time: the timings are done, and a heap's size does not depend on speed.
  const configs = PRECISIONS.flatMap((precision) =>
    FAMILIES.flatMap((family) => BUDGETS.map((budget) => ({ family, precision, budget }))),
  );
  const heaps: (Config & HeapResult)[] = [];
  for (let i = 0; i < configs.length; i += 2) {
    const pair = configs.slice(i, i + 2);
    const results = await Promise.all(pair.map((c) => heapOf(c.family, c.precision, c.budget)));
    for (const [k, c] of pair.entries())
      heaps.push({ family: c.family.id, precision: c.precision, budget: c.budget, ...results[k] });
  }

  console.log(`### forward + backward ÷ forward (batch 1)\n`);
  console.log(
    markdownTable(
      ['model', 'weights', ...rightAligned('tokens', 'forward ms', 'fwd+bwd ms', 'fwd+bwd ÷ forward')],
      costs.map((r) => [r.family, r.precision, String(r.tokens), ...timingCells(r.time)]),
    ),
  );
  console.log(
    `\nint8: the forward is the int8 model, the gradient the dequantized surrogate's (float MatMuls).` +
      ` tiny-marian: the forward is encoder + decoder, fwd+bwd is the gradient of the chained encoder → decoder` +
      ` graph (one run); the output has as many tokens as the source.`,
  );
  const over = costs.filter((r) => r.time.ratio > 3);
  console.log(
    over.length === 0
      ? 'Every row within the ≤ 3× aim.'
      : `Above the ≤ 3× aim: ${over.map((r) => `${r.family} ${r.precision} ${r.tokens} (${ratio(r.time.ratio)})`).join(', ')}.`,
  );

  console.log(
    `\n### integrated gradients, ${IG_STEPS} steps batched ÷ ${IG_STEPS} sequential fwd+bwd (batch 1), ${IG_TOKENS} tokens\n`,
  );
  console.log(
    markdownTable(
      [
        ...CONFIG_COLUMNS,
        ...rightAligned(
          `${IG_STEPS} × fwd+bwd ms`,
          'integrated gradients ms',
          'batched ÷ sequential',
          'completeness error',
        ),
      ],
      batches.map((r) => [...configCells(r), ...timingCells(r.time), r.completeness.toExponential(1)]),
    ),
  );
  console.log(
    `\nIntegrated gradients as shipped: Gauss-Legendre, zero baseline, and the target at the two end` +
      ` points (a batch of 2) for the completeness check; fp32 computes it with the gradient session` +
      ` already open, int8 with the int8 model and again with the surrogate's gradient session.`,
  );

  console.log(`\n### wasm heap of integrated gradients, ${HEAP_TOKENS} tokens, ${IG_STEPS} steps\n`);
  console.log(
    markdownTable(
      [...CONFIG_COLUMNS, ...rightAligned('heap at start MiB', 'heap after (peak) MiB', 'growth MiB')],
      heaps.map((h) => [...configCells(h), mib(h.initial), mib(h.after), mib(h.after - h.initial)]),
    ),
  );
  console.log(
    `\nEach row in a fresh process (a wasm heap only grows): the heap when ORT instantiated its module,` +
      ` then after the sessions were opened and integrated gradients ran. The heap grows in steps of` +
      ` about 20% (emscripten's policy) unless one allocation needs more, so the true peak lies between` +
      ` the step below the figure and the figure.`,
  );
  console.log();
  console.log(
    machineLine([
      `onnxruntime-web ${ort.env.versions.web ?? '?'} (wasm, 1 thread)`,
      `${((performance.now() - started) / 1000).toFixed(0)} s`,
      `load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
    ]),
  );
}

if (process.argv[2] === '--heap') {
  await heapChild(process.argv[3], process.argv[4] as Precision, process.argv[5]);
} else {
  await main();
}
