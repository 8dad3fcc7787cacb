/**
 * What probing costs: the built-in POS task (universal tags, linear probe, first sub-word, seed 0)
 * on brown-sentiment and brown-gpt, int8 as the worker serves them, on onnxruntime-web's WASM
 * backend in Node (one thread, as on the edge), through `runProbe` as shipped:
 *
 * - the model's share: one forward pass per sentence of every split yields the hidden states of
 *   all layers at once (so feature extraction is one cost for all layers, not one per layer);
 * - the optimiser's share: per layer, the task probe and the control probe trained with early
 *   stopping on dev, then scored on test with the sentence bootstrap;
 * - the rest (the majority baseline, bookkeeping).
 *
 * Two samples: the worker's limits (300 / 100 / 200 sentences, worker/routes/probe.ts) and the
 * full sample of models/probe-data/brown-pos.json (1,500 / 300 / 500). Each is one run in this
 * process after a warm-up probe on 60 / 20 / 20 sentences (sessions, wasm and the optimiser's loops
 * compiled). One run each, not a median: two runs here differed by up to 12% in a total.
 *
 *   npm run bench:probe     # two Markdown tables per model and a line naming the machine
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { diskReader } from '../node/host.js';
import {
  type BrownPosData,
  brownPosTask,
  type ProbeResult,
  runProbe,
} from '../shared/explain/probe/index.js';
import { type LoadedModel, loadModel, readModelMeta } from '../shared/runtime/model.js';
import { createSessionFactory, type OrtModule } from '../shared/runtime/session.js';
import { machineLine } from './lib/machine.js';
import { int, markdownTable, ms, rightAligned } from './lib/table.js';

ort.env.wasm.numThreads = 1;
const factory = createSessionFactory(ort as unknown as OrtModule);

const ROOT = join(import.meta.dirname, '..');
const MODELS = ['brown-sentiment', 'brown-gpt'];
/** worker/routes/probe.ts TASK_LIMITS */
const WORKER_LIMITS = { train: 300, dev: 100, test: 200 };
const SAMPLES: { name: string; limits?: typeof WORKER_LIMITS }[] = [
  { name: 'worker limits', limits: WORKER_LIMITS },
  { name: 'full sample' },
];

const data = JSON.parse(readFileSync(join(ROOT, 'models/probe-data/brown-pos.json'), 'utf8')) as BrownPosData;
const now = () => performance.now();
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const s = (x: number) => (x / 1000).toFixed(2);

async function load(id: string): Promise<LoadedModel> {
  const read = diskReader(join(ROOT, 'models', id));
  return loadModel(await readModelMeta(id, read), read, factory, { precision: 'int8' });
}

const summary: string[][] = [];
const perLayer = new Map<string, ProbeResult[]>();
const t0 = now();
for (const id of MODELS) {
  const tl = now();
  const model = await load(id);
  const loadMs = now() - tl;
  // Warm-up: sessions run, wasm compiled and the optimiser's loops JIT-compiled before anything is timed.
  await runProbe(model, brownPosTask(data, { limits: { train: 60, dev: 20, test: 20 } }), {
    bootstrapSamples: 50,
  });
  const runs: ProbeResult[] = [];
  for (const sample of SAMPLES) {
    const task = brownPosTask(data, { tagset: 'universal', limits: sample.limits });
    const r = await runProbe(model, task, { seed: 0, now });
    runs.push(r);
    const t = r.timings;
    const rest = t.total_ms - t.model_ms - t.optimizer_ms;
    summary.push([
      id,
      sample.name,
      `${r.sentences.train} / ${r.sentences.dev} / ${r.sentences.test}`,
      int(r.n_train + r.n_dev + r.n_test),
      int(t.tokens),
      s(t.model_ms),
      int(t.tokens / (t.model_ms / 1000)),
      s(t.optimizer_ms),
      s(rest),
      s(t.total_ms),
      pct(t.model_ms / t.total_ms),
      pct(t.optimizer_ms / t.total_ms),
    ]);
    console.error(`${id}, ${sample.name}: ${s(t.total_ms)} s (load ${ms(loadMs)} ms)`);
  }
  perLayer.set(id, runs);
}

console.log(
  '### Probing cost: the built-in POS task (universal tags), linear probe, first sub-word, seed 0, int8\n',
);
console.log(
  markdownTable(
    [
      'Model',
      'Sample',
      'Sentences (train / dev / test)',
      ...rightAligned(
        'Words',
        'Tokens',
        'Model s',
        'Tokens/s',
        'Optimiser s',
        'Other s',
        'Total s',
        'Model share',
        'Optimiser share',
      ),
    ],
    summary,
  ),
);
console.log(
  '\nModel: one forward pass per sentence gives every layer (features of all 5 hidden-state layers at once). ' +
    'Optimiser: both probes (task and control) of every layer, trained and scored. Other: the baseline and bookkeeping.\n',
);

for (const [id, runs] of perLayer) {
  console.log(`### Per layer, ${id} (task + control probe; epochs run, of which the last improved on dev)\n`);
  const rows = runs[0].layers.map((l, i) => {
    const cells = [String(l.layer)];
    for (const r of runs) {
      const x = r.layers[i];
      const epochs = x.epochs.task + x.epochs.control;
      const featureMs = r.timings.model_ms / r.layers.length;
      cells.push(
        ms(featureMs),
        ms(x.train_ms),
        `${x.epochs.task} + ${x.epochs.control}`,
        ms(x.train_ms / epochs),
        `${(100 * x.accuracy).toFixed(1)}%`,
      );
    }
    return cells;
  });
  const figures = SAMPLES.flatMap((sample) => {
    const tag = sample.limits ? 'worker' : 'full';
    return [
      `${tag}: features ms ÷ layers`,
      `${tag}: train ms`,
      `${tag}: epochs`,
      `${tag}: ms/epoch`,
      `${tag}: accuracy`,
    ];
  });
  console.log(markdownTable(['Layer', ...rightAligned(...figures)], rows));
  console.log(
    '\nFeatures ms ÷ layers: the one forward pass over all splits, divided evenly among the layers it serves.\n',
  );
}
console.log(
  machineLine([`onnxruntime-web ${ort.env.versions.web ?? '?'} (wasm, 1 thread)`, `wall ${s(now() - t0)} s`]),
);
