/**
 * Batch invariance on brown-sentiment, the default model (issue 11): its `model_quantized.onnx` is
 * dynamic int8, whose DynamicQuantizeLinear takes one activation range over the whole batch, so a
 * batched forward gives an example something else than it gets alone. The core therefore runs such
 * graphs one example at a time (shared/onnx/batch-coupling.ts). The other fix the issue names is a
 * weight-only int8 export (W8A32, shared/onnx/quantize.ts `mode: 'weights'`), which batches exactly.
 * This measures which costs less, on onnxruntime-web's WASM (1 thread, as at the edge):
 *
 * 1. accuracy on 200 held-out sentences, each alone: max |p − p_fp32| and argmax agreement with fp32;
 * 2. batch invariance: 16 sentences padded into one batch vs each alone, max |Δp|;
 * 3. speed of an occlusion-shaped workload (16 copies of one text, one token masked in each): one
 *    batch of 16 vs 16 runs of batch 1, interleaved; every ratio is against dynamic int8 split
 *    (what the core does today).
 *
 *   npx tsx bench/batching.ts
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { decodeModel, encodeModel } from '../shared/onnx/proto.js';
import { quantizeDynamic } from '../shared/onnx/quantize.js';
import { LEAN_SESSION_OPTIONS } from '../shared/runtime/session.js';
import { machineLine } from './lib/machine.js';
import { markdownTable, ms, ratio, rightAligned } from './lib/table.js';
import { interleaved } from './lib/timing.js';

ort.env.wasm.numThreads = 1;
const DIR = 'models/brown-sentiment';
const LENGTHS = [16, 64];
const BATCH = 16;
const ACCURACY_EXAMPLES = 200;

const fp32 = readFileSync(`${DIR}/onnx/model.onnx`);
const variants: Record<string, Uint8Array> = {
  'dynamic int8 (served)': readFileSync(`${DIR}/onnx/model_quantized.onnx`),
  'weight-only int8': encodeModel(quantizeDynamic(decodeModel(fp32), { mode: 'weights' })),
  fp32,
};
const sessions: Record<string, ort.InferenceSession> = {};
for (const [name, bytes] of Object.entries(variants))
  sessions[name] = await ort.InferenceSession.create(bytes, LEAN_SESSION_OPTIONS);

const heldout: number[][] = readFileSync(`${DIR}/heldout.jsonl`, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l).input_ids as number[]);

/** Class probabilities of each row of `ids` (right-padded with 0 under a zero mask). */
async function probs(s: ort.InferenceSession, ids: number[][]): Promise<number[][]> {
  const len = Math.max(...ids.map((r) => r.length));
  const flat = new BigInt64Array(ids.length * len);
  const mask = new BigInt64Array(ids.length * len);
  for (const [b, r] of ids.entries())
    for (const [t, id] of r.entries()) {
      flat[b * len + t] = BigInt(id);
      mask[b * len + t] = 1n;
    }
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', flat, [ids.length, len]),
    attention_mask: new ort.Tensor('int64', mask, [ids.length, len]),
  };
  if (s.inputNames.includes('token_type_ids'))
    feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(ids.length * len), [ids.length, len]);
  const logits = (await s.run(feeds))[s.outputNames[0]].data as Float32Array;
  const k = logits.length / ids.length;
  return ids.map((_, b) => {
    const row = Array.from(logits.subarray(b * k, (b + 1) * k));
    const m = Math.max(...row);
    const e = row.map((x) => Math.exp(x - m));
    const z = e.reduce((a, x) => a + x, 0);
    return e.map((x) => x / z);
  });
}

const argmax = (p: number[]) => p.indexOf(Math.max(...p));
const maxAbs = (a: number[][], b: number[][]) =>
  Math.max(...a.flatMap((r, i) => r.map((x, j) => Math.abs(x - b[i][j]))));

// 1 and 2: accuracy alone, and batched vs alone
const sample = heldout.slice(0, ACCURACY_EXAMPLES);
const alone: Record<string, number[][]> = {};
for (const [name, s] of Object.entries(sessions)) {
  alone[name] = [];
  for (const ids of sample) alone[name].push((await probs(s, [ids]))[0]);
}
const accuracyRows = Object.keys(sessions).map((name) => {
  const agree = alone[name].filter((p, i) => argmax(p) === argmax(alone.fp32[i])).length;
  return [name, maxAbs(alone[name], alone.fp32).toExponential(2), `${agree}/${sample.length}`];
});
const invarianceRows: string[][] = [];
for (const [name, s] of Object.entries(sessions)) {
  const group = sample.slice(0, BATCH);
  const batched = await probs(s, group);
  invarianceRows.push([name, maxAbs(batched, alone[name].slice(0, BATCH)).toExponential(2)]);
}

// 3: occlusion-shaped batches
const speedRows: string[][] = [];
const served = 'dynamic int8 (served)';
for (const n of LENGTHS) {
  const base = [
    2,
    ...Array.from({ length: n - 2 }, (_, i) => sample[0][1 + (i % (sample[0].length - 2))]),
    3,
  ];
  const occluded = Array.from({ length: BATCH }, (_, b) => base.map((id, t) => (t === 1 + b ? 0 : id)));
  const split = async () => {
    for (const ids of occluded) await probs(sessions[served], [ids]);
  };
  for (const name of Object.keys(sessions)) {
    const t = await interleaved(split, () => probs(sessions[name], occluded), { budgetMs: 4000 });
    speedRows.push([String(n), `${name}, one batch of ${BATCH}`, ms(t.a), ms(t.b), ratio(t.ratio)]);
  }
}

console.log(`\n## Batch invariance on brown-sentiment (onnxruntime-web WASM, 1 thread)\n`);
console.log(`Accuracy, each of ${sample.length} held-out sentences alone:\n`);
console.log(markdownTable(['graph', ...rightAligned('max |p − p_fp32|', 'argmax = fp32')], accuracyRows));
console.log(`\n${BATCH} sentences in one padded batch vs each alone:\n`);
console.log(markdownTable(['graph', ...rightAligned('max |Δp|')], invarianceRows));
console.log(
  `\nOcclusion-shaped forward (${BATCH} inputs), against dynamic int8 run one example at a time:\n`,
);
console.log(
  markdownTable(
    [...rightAligned('tokens'), 'variant', ...rightAligned('split, ms', 'variant, ms', 'variant ÷ split')],
    speedRows,
  ),
);
console.log(`\n${machineLine()}`);
