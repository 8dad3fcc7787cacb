/**
 * What each reliability metric costs, as a multiple of the explanation it qualifies, measured side
 * by side in one run: the saliency document of brown-sentiment (int8, as served; gradient × input
 * and integrated gradients at 32 steps) with one metric asked for, ÷ the same document without,
 * at 32 and 128 tokens, metrics at their defaults (8 perturbations, 16 random inputs, the full
 * cascade). onnxruntime-web's WASM backend in Node, one thread, the session options the edge uses.
 * Each cell: the median over rounds of the per-round ratio (variants interleaved in each round).
 *
 *   npx tsx bench/reliability.ts            # one Markdown table and a line naming the machine
 *   npx tsx bench/reliability.ts --rounds 3
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { explainSaliency } from '../shared/explain/saliency/document.js';
import { createSaliencyContext } from '../shared/explain/saliency/index.js';
import { loadModel, readModelMeta } from '../shared/runtime/model.js';
import { createSessionFactory, type OrtModule } from '../shared/runtime/session.js';
import { METRICS, type MetricName } from '../shared/schema/metrics.js';
import { machineLine } from './lib/machine.js';
import { textOfTokens } from './lib/served.js';
import { markdownTable, ratio, rightAligned } from './lib/table.js';

ort.env.wasm.numThreads = 1;
const factory = createSessionFactory(ort as unknown as OrtModule);
const arg = (name: string) => process.argv[process.argv.indexOf(name) + 1];
const ROUNDS = process.argv.includes('--rounds') ? Number(arg('--rounds')) : 2;
const DIR = join(import.meta.dirname, '../dist/site/models/brown-sentiment');
const read = async (p: string) => new Uint8Array(await readFile(join(DIR, p)));

const meta = await readModelMeta('brown-sentiment', read);
const model = await loadModel(meta, read, factory, { precision: 'int8' });
const ctx = await createSaliencyContext({ ...meta, precision: 'int8' }, read, factory);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

const METHODS = [
  { method: 'gradient_x_input' as const },
  { method: 'integrated_gradients' as const, steps: 32 },
];
const rows: string[][] = [];
for (const m of METHODS)
  for (const tokens of [32, 128]) {
    const text = textOfTokens(model.tokenizer, tokens);
    const run = async (metrics: MetricName[]) => {
      const t0 = performance.now();
      await explainSaliency(model, ctx, text, { ...m, metrics });
      return performance.now() - t0;
    };
    await run([]); // warm-up: sessions built, caches filled
    const ratios: Record<string, number[]> = Object.fromEntries(METRICS.map((k) => [k, []]));
    const base: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const k of METRICS) {
        const b = await run([]);
        base.push(b);
        ratios[k].push((await run([k])) / b);
      }
    }
    rows.push([
      m.method,
      String(tokens),
      `${Math.round(median(base))}`,
      ...METRICS.map((k) => ratio(median(ratios[k]), 1)),
    ]);
    console.error(`done ${m.method} ${tokens}`);
  }
console.log(
  markdownTable(
    [{ title: 'method' }, ...rightAligned('tokens', 'document ms', ...METRICS.map((k) => `+${k} ÷ without`))],
    rows,
  ),
);
console.log(machineLine([`${ROUNDS} rounds`]));
