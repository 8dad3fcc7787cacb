/**
 * What exposing attention costs, measured side by side in one run:
 *
 * 1. forward time of each graph with its attention probabilities exposed as outputs ÷ forward time
 *    of the unmodified graph, on onnxruntime-web's WASM backend in Node (one thread, the session
 *    options the edge uses), original and rewritten runs interleaved pair by pair;
 * 2. the JSON size of the attention document with `u8` encoding ÷ with `f32`, produced by the real
 *    core (`loadModel` + `explainAttention`).
 *
 *   npm run bench:attention          # prints one Markdown table and a line naming the machine
 */
import * as ort from 'onnxruntime-web';
import { buildTinyBert } from '../models/tiny/bert.js';
import type { ModelFiles } from '../models/tiny/files.js';
import { buildTinyGpt2 } from '../models/tiny/gpt2.js';
import { buildTinyMarian } from '../models/tiny/marian.js';
import { loadLocal, memoryReader } from '../node/host.js';
import { explainAttention } from '../shared/explain/attention/document.js';
import { type AttentionStack, exposeAttention } from '../shared/onnx/expose-attention.js';
import { type FeedContext, maskTensor, sequenceFeeds } from '../shared/runtime/feeds.js';
import { type LoadedModel, type Precision, readModelMeta } from '../shared/runtime/model.js';
import {
  createSessionFactory,
  LEAN_SESSION_OPTIONS,
  type OrtModule,
  type OrtTensor,
  type Session,
} from '../shared/runtime/session.js';
import { Rng } from '../shared/util/random.js';
import { machineLine } from './lib/machine.js';
import { int, markdownTable, ratio, rightAligned, timingCells } from './lib/table.js';
import { interleaved, type PairedTiming } from './lib/timing.js';

ort.env.wasm.numThreads = 1;
const webOrt = ort as unknown as OrtModule;
const factory = createSessionFactory(webOrt, LEAN_SESSION_OPTIONS);

const LENGTHS = [16, 64, 256];
const PRECISIONS: Precision[] = ['int8', 'fp32'];
/** Measuring time per comparison (24 of them): keeps the whole run near two minutes on 2 cores. */
const BUDGET_MS = 2500;

interface GraphSpec {
  name: 'model' | 'encoder' | 'decoder';
  file: string;
  stack: AttentionStack;
}

interface Family {
  id: string;
  build: () => ModelFiles;
  graphs: GraphSpec[];
}

const FAMILIES: Family[] = [
  {
    id: 'tiny-bert',
    build: () => buildTinyBert(),
    graphs: [{ name: 'model', file: 'model', stack: 'encoder' }],
  },
  {
    id: 'tiny-gpt2',
    build: () => buildTinyGpt2(),
    graphs: [{ name: 'model', file: 'model', stack: 'decoder' }],
  },
  {
    id: 'tiny-marian',
    build: () => buildTinyMarian(),
    graphs: [
      { name: 'encoder', file: 'encoder_model', stack: 'encoder' },
      { name: 'decoder', file: 'decoder_model', stack: 'decoder' },
    ],
  },
];

const onnxPath = (g: GraphSpec, p: Precision) => `onnx/${g.file}${p === 'int8' ? '_quantized' : ''}.onnx`;

function bytesOf(files: ModelFiles['files'], path: string): Uint8Array {
  const f = files[path];
  if (f === undefined) throw new Error(`no file ${path}`);
  return typeof f === 'string' ? new TextEncoder().encode(f) : f;
}

function randomIds(rng: Rng, n: number, vocab: number): number[] {
  return Array.from({ length: n }, () => Math.floor(rng.next() * vocab));
}

function maxAbsDiff(a: OrtTensor, b: OrtTensor): number {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  if (x.length !== y.length) return Number.POSITIVE_INFINITY;
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

/** Both variants must agree on the model's own outputs, and the exposed one must return every attention. */
async function check(
  label: string,
  original: Session,
  exposed: Session,
  attention: string[],
  feeds: Record<string, OrtTensor>,
  heads: number,
) {
  const [a, b] = [await original.run(feeds), await exposed.run(feeds)];
  for (const name of original.outputNames) {
    const d = maxAbsDiff(a[name], b[name]);
    if (!(d <= 1e-4)) throw new Error(`${label}: output ${name} differs by ${d} once attention is exposed`);
  }
  for (const name of attention) {
    const t = b[name];
    if (t?.dims.length !== 4 || t.dims[1] !== heads)
      throw new Error(`${label}: attention output ${name} missing or misshapen`);
  }
}

interface Row {
  family: string;
  graph: string;
  precision: Precision;
  tokens: number;
  /** A: the original graph, B: the graph with its attention exposed */
  time: PairedTiming;
  docTokens?: number;
  bytesF32?: number;
  bytesU8?: number;
}

async function timeFamily(family: Family, files: ModelFiles['files'], precision: Precision, rows: Row[]) {
  const meta = await readModelMeta(family.id, memoryReader(files));
  const { heads, hidden } = meta.shape;
  const ctx: FeedContext = { ort: webOrt, heads, headDim: hidden / heads };
  const vocab: number = meta.config.decoder_vocab_size ?? meta.config.vocab_size;
  const rng = new Rng(1234);

  const sessions = new Map<string, { original: Session; exposed: Session; attention: string[] }>();
  for (const g of family.graphs) {
    const bytes = bytesOf(files, onnxPath(g, precision));
    const rewritten = exposeAttention(bytes, { stack: g.stack });
    sessions.set(g.name, {
      original: await factory.create(bytes),
      exposed: await factory.create(rewritten.bytes),
      attention: rewritten.attention.map((a) => a.output),
    });
  }

  for (const n of LENGTHS) {
    const srcIds = randomIds(rng, n, vocab);
    let extra: Record<string, OrtTensor> = {};
    for (const g of family.graphs) {
      const s = sessions.get(g.name)!;
      let ids = srcIds;
      if (g.name === 'decoder') {
        // Encoder states from one run of the unmodified encoder, shared by both decoder variants.
        const enc = sessions.get('encoder')!.original;
        const out = await enc.run(sequenceFeeds(ctx, enc.inputNames, srcIds));
        extra = {
          encoder_hidden_states: out.last_hidden_state,
          encoder_attention_mask: maskTensor(webOrt, n),
        };
        ids = randomIds(rng, n, vocab);
      }
      const feeds = sequenceFeeds(ctx, s.original.inputNames, ids, extra);
      const feedsExposed = sequenceFeeds(ctx, s.exposed.inputNames, ids, extra);
      const label = `${family.id}/${g.name}/${precision}/${n}`;
      await check(label, s.original, s.exposed, s.attention, feeds, heads);
      const t = await interleaved(
        () => s.original.run(feeds),
        () => s.exposed.run(feedsExposed),
        { budgetMs: BUDGET_MS },
      );
      rows.push({ family: family.id, graph: g.name, precision, tokens: n, time: t });
    }
  }
  for (const s of sessions.values()) await Promise.all([s.original.release(), s.exposed.release()]);
}

const FILLER = (
  'the cat and the dog loved the movie but the music was bad and the food was fine ' +
  'we saw a beautiful city at night under the moon and the sky was blue'
).split(' ');

/** A text that tokenizes (special tokens included) to exactly `n` tokens where possible, else just under. */
function textOfLength(model: LoadedModel, n: number): { text: string; tokens: number } {
  const count = (t: string) => model.tokenizer.encode(t).ids.length;
  let text = FILLER[0];
  let k = 1;
  for (let guard = 0; count(text) < n && guard < 4 * n; guard++) {
    // The next word if it fits; otherwise one-token fillers until the count is exact.
    const next = [` ${FILLER[k % FILLER.length]}`, '.', ' a', ','].find((c) => count(text + c) <= n);
    if (!next) break;
    if (next === ` ${FILLER[k % FILLER.length]}`) k++;
    text += next;
  }
  return { text, tokens: count(text) };
}

async function documentBytes(family: Family, files: ModelFiles['files'], precision: Precision, rows: Row[]) {
  const model = await loadLocal(family.id, memoryReader(files), precision);
  for (const n of LENGTHS) {
    const { text, tokens } = textOfLength(model, n);
    const target = model.shape.family === 'encoder-decoder' ? { target_text: text } : {};
    const size = async (encoding: 'f32' | 'u8') => {
      const doc = await explainAttention(model, text, { ...target, encoding, aggregate: 'none' });
      return new TextEncoder().encode(JSON.stringify(doc)).length;
    };
    const bytesF32 = await size('f32');
    const bytesU8 = await size('u8');
    for (const r of rows)
      if (r.family === family.id && r.precision === precision && r.tokens === n)
        Object.assign(r, { docTokens: tokens, bytesF32, bytesU8 });
  }
  for (const g of Object.values(model.graphs)) await g?.session.release();
}

const rows: Row[] = [];
const built = new Map(FAMILIES.map((f) => [f.id, f.build().files]));
for (const precision of PRECISIONS)
  for (const family of FAMILIES) await timeFamily(family, built.get(family.id)!, precision, rows);
for (const precision of PRECISIONS)
  for (const family of FAMILIES) await documentBytes(family, built.get(family.id)!, precision, rows);

console.log(
  markdownTable(
    [
      'family',
      'graph',
      'weights',
      ...rightAligned(
        'tokens',
        'forward ms original',
        'forward ms exposed',
        'exposed ÷ original',
        'doc bytes f32',
        'doc bytes u8',
        'u8 ÷ f32',
      ),
    ],
    rows.map((r) => [
      r.family,
      r.graph,
      r.precision,
      r.docTokens === undefined || r.docTokens === r.tokens
        ? String(r.tokens)
        : `${r.tokens} (doc ${r.docTokens})`,
      ...timingCells(r.time),
      int(r.bytesF32 ?? Number.NaN),
      int(r.bytesU8 ?? Number.NaN),
      ratio((r.bytesU8 ?? Number.NaN) / (r.bytesF32 ?? Number.NaN), 3),
    ]),
  ),
);
console.log();
console.log(machineLine([`onnxruntime-web ${ort.env.versions.web ?? '?'} (wasm, 1 thread)`]));
