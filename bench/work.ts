/**
 * Calibrates the work budget (shared/schema/work.ts): sends saliency and probe requests of known
 * shape to a `wrangler dev` it starts (loopback), and prints each one's estimated work beside the CPU
 * time workerd actually spent on it (user + system, from /proc; Linux only). Each model is warmed
 * first (its sessions and gradient graphs are built once per isolate and are not the request's work).
 *
 *   npx tsx bench/work.ts            # all cases (a few minutes of CPU)
 *   npx tsx bench/work.ts --only ig  # cases whose name contains "ig"
 */

import { builtInTask } from '../shared/explain/probe/document.js';
import type { BrownPosData } from '../shared/explain/probe/index.js';
import { TRAIN_DEFAULTS } from '../shared/explain/probe/run.js';
import { LIMITS } from '../shared/schema/limits.js';
import { probeWork, saliencyWork } from '../shared/schema/work.js';
import { startWrangler } from '../test/setup/start-wrangler.js';
import { machineLine } from './lib/machine.js';
import { groupCpuMs } from './lib/proc-cpu.js';
import { probeData, served, textOfTokens } from './lib/served.js';
import { int, markdownTable, ratio, rightAligned } from './lib/table.js';

interface Case {
  name: string;
  route: 'saliency' | 'probe';
  body: Record<string, unknown>;
  /** output tokens of an encoder-decoder request */
  out?: number;
}

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : '';
const ig = (model: string, tokens: number, steps: number): Case => ({
  name: `${model} ig ${tokens}×${steps}`,
  route: 'saliency',
  body: { model, tokens, method: 'integrated_gradients', steps },
});
const CASES: Case[] = [
  ig('brown-sentiment', 64, 64),
  ig('brown-sentiment', 256, 64),
  ig('brown-sentiment', 128, 256),
  ig('brown-gpt', 128, 64),
  ig('brown-gpt', 256, 32),
  ig('tiny-bert', 256, 128),
  ig('tiny-gpt2', 128, 128),
  { ...ig('brown-seq2seq', 64, 32), out: 21 },
  { ...ig('tiny-marian', 128, 64), out: 21 },
  {
    name: 'brown-sentiment smoothgrad 128×32',
    route: 'saliency',
    body: { model: 'brown-sentiment', tokens: 128, method: 'smoothgrad', samples: 32 },
  },
  {
    name: 'brown-sentiment occlusion 256',
    route: 'saliency',
    body: { model: 'brown-sentiment', tokens: 256, method: 'occlusion' },
  },
  { name: 'brown-sentiment probe pos', route: 'probe', body: { model: 'brown-sentiment', task: 'pos' } },
  { name: 'brown-gpt probe pos', route: 'probe', body: { model: 'brown-gpt', task: 'pos' } },
  { name: 'tiny-bert probe pos', route: 'probe', body: { model: 'tiny-bert', task: 'pos' } },
  {
    name: 'brown-sentiment probe pos_fine',
    route: 'probe',
    body: { model: 'brown-sentiment', task: 'pos_fine' },
  },
  { name: 'brown-gpt probe pos_fine', route: 'probe', body: { model: 'brown-gpt', task: 'pos_fine' } },
  {
    name: 'brown-sentiment probe pos mlp',
    route: 'probe',
    body: { model: 'brown-sentiment', task: 'pos', probe: 'mlp', layers: [2] },
  },
];

async function main() {
  const cases = CASES.filter((c) => c.name.includes(only));
  const data = (await probeData()) as BrownPosData;
  const w = await startWrangler();
  const rows: string[][] = [];
  try {
    const warm = new Set<string>();
    for (const c of cases) {
      const model = String(c.body.model);
      const s = await served(model);
      const body = { ...c.body };
      let estimate: number;
      if (c.route === 'saliency') {
        const tokens = Number(body.tokens);
        delete body.tokens;
        body.text = textOfTokens(s.tokenizer, tokens);
        estimate = saliencyWork(s.meta.shape, {
          method: String(body.method),
          tokens: tokens + (c.out ?? 0),
          steps: body.steps as number | undefined,
          samples: body.samples as number | undefined,
        });
      } else {
        const task = builtInTask(data, body.task as 'pos' | 'pos_fine');
        const count = (x: { words: string[] }[]) => x.reduce((n, y) => n + y.words.length, 0);
        const sentences = task.train.length + task.dev.length + task.test.length;
        const kind = (body.probe as 'linear' | 'mlp' | undefined) ?? 'linear';
        const words = count(task.train) + count(task.dev) + count(task.test);
        estimate = probeWork(s.meta.shape, {
          sentences,
          tokens: words + 2 * sentences,
          words: count(task.train) + count(task.dev),
          layers:
            (body.layers as number[] | undefined)?.length ??
            (s.meta.shape.encoderLayers ?? s.meta.shape.layers) + 1,
          classes: task.labels.length,
          mlpHidden: kind === 'mlp' ? 64 : undefined,
          maxEpochs: TRAIN_DEFAULTS[kind].maxEpochs,
        });
      }
      if (!warm.has(model)) {
        // sessions and gradient graphs: built once per isolate
        const text = textOfTokens(s.tokenizer, 8);
        await post(w.url, 'saliency', { model, text, method: 'gradient' });
        warm.add(model);
      }
      const cpu0 = groupCpuMs(w.pid);
      const t0 = performance.now();
      const res = await post(w.url, c.route, body);
      const wall = performance.now() - t0;
      const cpu = groupCpuMs(w.pid) - cpu0;
      const note = res.status === 200 ? '' : ` (${res.status} ${res.code})`;
      rows.push([c.name + note, int(estimate), int(cpu), int(wall), ratio(cpu / estimate)]);
      console.error(rows.at(-1)!.join(' | '));
    }
  } finally {
    await w.stop();
  }
  console.log(
    markdownTable(
      rightAligned('request', 'estimated work', 'workerd CPU ms', 'wall ms', 'CPU ÷ estimate'),
      rows,
    ),
  );
  console.log(`\nbudget: limits.max_work = ${LIMITS.max_work}`);
  console.log(machineLine());
}

async function post(url: string, route: string, body: unknown) {
  const r = await fetch(`${url}/v1/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await r.json()) as { error?: { code: string } };
  return { status: r.status, code: json.error?.code };
}

await main();
