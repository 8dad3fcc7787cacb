/**
 * The probing report's numbers (docs/probing.md): the built-in POS task (universal tags) on the full
 * sample of models/probe-data/brown-pos.json, every hidden-state layer, for the project's default
 * encoder (brown-sentiment) and decoder (brown-gpt), with onnxruntime-node. Prints Markdown.
 *
 *   npx tsx scripts/probe-report.ts [--probe linear|mlp] [--features first|mean]
 *     [--precision fp32|int8] [--seed 0] [--models brown-sentiment,brown-gpt] [--json out.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineLine } from '../bench/lib/machine.js';
import { markdownTable } from '../bench/lib/table.js';
import { diskReader, loadLocal } from '../node/host.js';
import type { Pooling } from '../shared/explain/probe/features.js';
import {
  type BrownPosData,
  brownPosTask,
  type ProbeKind,
  type ProbeResult,
  runProbe,
} from '../shared/explain/probe/index.js';

const { values: args } = parseArgs({
  options: {
    probe: { type: 'string', default: 'linear' },
    features: { type: 'string', default: 'first' },
    precision: { type: 'string', default: 'fp32' },
    seed: { type: 'string', default: '0' },
    models: { type: 'string', default: 'brown-sentiment,brown-gpt' },
    json: { type: 'string' },
  },
});

const ROOT = join(import.meta.dirname, '..');
const data = JSON.parse(readFileSync(join(ROOT, 'models/probe-data/brown-pos.json'), 'utf8')) as BrownPosData;
const pct = (x: number) => (100 * x).toFixed(1);
const ci = (c: [number, number]) => `${pct(c[0])}–${pct(c[1])}`;

const results: ProbeResult[] = [];
const out: string[] = [];
for (const id of args.models!.split(',')) {
  const model = await loadLocal(id, diskReader(join(ROOT, 'models', id)), args.precision as 'fp32' | 'int8');
  const task = brownPosTask(data, { tagset: 'universal' });
  const r = await runProbe(model, task, {
    probe: args.probe as ProbeKind,
    features: args.features as Pooling,
    seed: Number(args.seed),
    now: () => performance.now(),
  });
  results.push(r);
  const best = r.layers.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const sel = r.layers.reduce((a, b) => (b.selectivity > a.selectivity ? b : a));
  out.push(
    `### ${id} (${r.model.layers - 1} blocks, dim ${r.model.dim}, ${args.precision}, ${r.probe} probe, ${r.features} sub-word)`,
    '',
    markdownTable(
      [
        'Layer',
        { title: 'Accuracy %', align: 'right' },
        { title: '95% CI', align: 'right' },
        { title: 'Control %', align: 'right' },
        { title: 'Control CI', align: 'right' },
        { title: 'Selectivity (pts)', align: 'right' },
        { title: 'Best/run epochs (task · control)', align: 'right' },
      ],
      [
        ...r.layers.map((l) => [
          l.layer === 0 ? '0 (embeddings)' : String(l.layer),
          pct(l.accuracy),
          ci(l.ci),
          pct(l.control_accuracy),
          ci(l.control_ci),
          pct(l.selectivity),
          `${l.epochs.task_best}/${l.epochs.task} · ${l.epochs.control_best}/${l.epochs.control}`,
        ]),
        ['majority baseline', pct(r.baseline.accuracy), ci(r.baseline.ci), '', '', '', ''],
      ],
    ),
    '',
    `Baseline (majority tag per word type): ${pct(r.baseline.accuracy)}% (${ci(r.baseline.ci)}). ` +
      `Best layer ${best.layer} (${pct(best.accuracy)}%); most selective layer ${sel.layer} (${pct(sel.selectivity)} pts). ` +
      `${r.n_train} / ${r.n_dev} / ${r.n_test} words in ${r.sentences.train} / ${r.sentences.dev} / ${r.sentences.test} sentences; ` +
      `${r.dropped_words} words dropped. Model ${(r.timings.model_ms / 1000).toFixed(1)} s, optimiser ${(r.timings.optimizer_ms / 1000).toFixed(1)} s.`,
    '',
  );
  console.error(`done ${id} in ${(r.timings.total_ms / 1000).toFixed(1)} s`);
}
out.push(
  `Task ${results[0]?.task}, seed ${args.seed}; ${results[0]?.ci_method}. ${machineLine(['onnxruntime-node'])}`,
);
console.log(out.join('\n'));
if (args.json) writeFileSync(args.json, `${JSON.stringify(results, null, 1)}\n`);
