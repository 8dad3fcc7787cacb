import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  AutoModelForCausalLM,
  AutoModelForSeq2SeqLM,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  env,
} from '@huggingface/transformers';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, decodeModel, encodeModel } from '../../shared/onnx/proto.js';
import { Rng } from '../../shared/util/random.js';
import {
  buildTinyBert,
  buildTinyGpt2,
  buildTinyMarian,
  generateTinyModels,
  type ModelFiles,
} from './generate.js';

type Ort = typeof ortNode;
type T = ortNode.Tensor;
type Feeds = Record<string, T>;

/**
 * int8 tolerance: max |logit_int8 − logit_fp32| divided by the range (max − min) of the fp32 logits,
 * both taken over all logits of a set of runs. Measured on 20 random inputs (per-tensor uint8 weights,
 * dynamic uint8 activations): tiny-bert 0.019 (0.145 absolute, range 7.7), tiny-gpt2 0.028 (0.135,
 * range 4.9), tiny-marian 0.019 (0.073, range 3.9). Most of the error comes from the activations'
 * per-tensor quantization ahead of the deliberately sharp Q·K products; per-column weights do not
 * reduce it. A single 3-logit BERT run can see up to ~0.15 of its own (small) range.
 */
const INT8_REL_TOL = 0.05;

const bert = buildTinyBert();
const gpt2 = buildTinyGpt2();
const marian = buildTinyMarian();

const bytes = (m: ModelFiles, path: string) => m.files[path] as Uint8Array;
const i64 = (ort: Ort, rows: number[][]) =>
  new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
const emptyCache = (ort: Ort, batch: number) =>
  new ort.Tensor('float32', new Float32Array(0), [batch, 4, 0, 8]);
const f32 = (t: T) => t.data as Float32Array;

/** A copy of the model that also outputs the given tensors (e.g. Softmax outputs). */
function exposing(model: Uint8Array, names: string[]): Uint8Array {
  const m = decodeModel(model);
  // No shape: rank and sizes are whatever the node produces.
  for (const n of names)
    m.graph!.output!.push({ name: n, type: { tensorType: { elemType: DataType.FLOAT } } });
  return encodeModel(m);
}

function relErr(q: Float32Array, f: Float32Array): number {
  let maxDiff = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < f.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(q[i] - f[i]));
    lo = Math.min(lo, f[i]);
    hi = Math.max(hi, f[i]);
  }
  return maxDiff / (hi - lo);
}

// Buffer comparison: vitest's deep equality on 200 kB arrays takes seconds.
const sameBytes = (a: Uint8Array | string, b: Uint8Array | string) =>
  typeof a === 'string' || typeof b === 'string' ? a === b : Buffer.from(a).equals(Buffer.from(b));

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** probs [b, h, q, k] → value at (b, h, q, k). */
function at(t: T, b: number, h: number, q: number, k: number): number {
  const [, H, Q, K] = t.dims;
  return f32(t)[((b * H + h) * Q + q) * K + k];
}

/** Rows sum to 1, `allowed(b, q, k)` false ⇒ exactly 0, and rows are far from uniform. */
function checkProbs(t: T, allowed: (b: number, q: number, k: number) => boolean) {
  const [B, H, Q, K] = t.dims;
  let spread = 0;
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let q = 0; q < Q; q++) {
        let sum = 0;
        let max = 0;
        let n = 0;
        for (let k = 0; k < K; k++) {
          const p = at(t, b, h, q, k);
          sum += p;
          if (!allowed(b, q, k)) expect(p).toBe(0);
          else {
            max = Math.max(max, p);
            n++;
          }
        }
        expect(sum).toBeCloseTo(1, 5);
        if (n > 2) spread = Math.max(spread, max - 1 / n);
      }
  // Some row puts clearly more than a uniform share on one key.
  expect(spread).toBeGreaterThan(0.2);
}

function bertFeeds(ort: Ort): Feeds {
  return {
    input_ids: i64(ort, [
      [2, 60, 70, 80, 90, 3, 0, 0],
      [2, 100, 110, 120, 130, 140, 150, 3],
    ]),
    attention_mask: i64(ort, [
      [1, 1, 1, 1, 1, 1, 0, 0],
      [1, 1, 1, 1, 1, 1, 1, 1],
    ]),
    token_type_ids: i64(ort, [
      [0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 1, 1, 1, 1],
    ]),
  };
}

/** GPT-2 feeds with position ids as transformers.js makes them (cumsum of the mask − 1). */
function gpt2Feeds(ort: Ort, ids: number[][], mask: number[][], past?: Feeds): Feeds {
  const pastLen = mask[0].length - ids[0].length;
  const positions = mask.map((row) => {
    let c = 0;
    return row.map((m) => (m ? c++ : 1)).slice(pastLen);
  });
  const f: Feeds = {
    input_ids: i64(ort, ids),
    attention_mask: i64(ort, mask),
    position_ids: i64(ort, positions),
  };
  for (let i = 0; i < 2; i++)
    for (const kv of ['key', 'value']) {
      f[`past_key_values.${i}.${kv}`] = past?.[`present.${i}.${kv}`] ?? emptyCache(ort, ids.length);
    }
  return f;
}

function decoderFeeds(ort: Ort, ids: number[][], encMask: T, enc: T, past?: Feeds): Feeds {
  const f: Feeds = { input_ids: i64(ort, ids), encoder_attention_mask: encMask, encoder_hidden_states: enc };
  for (let i = 0; i < 2; i++)
    for (const kv of ['key', 'value']) {
      f[`past_key_values.${i}.decoder.${kv}`] =
        past?.[`present.${i}.decoder.${kv}`] ?? emptyCache(ort, ids.length);
    }
  return f;
}

const session = (ort: Ort, model: Uint8Array) => ort.InferenceSession.create(model);

describe('determinism', () => {
  it('same seed gives byte-identical files, another seed other weights', () => {
    for (const [build, again] of [
      [bert, buildTinyBert()],
      [gpt2, buildTinyGpt2()],
      [marian, buildTinyMarian()],
    ]) {
      expect(Object.keys(again.files)).toEqual(Object.keys(build.files));
      for (const [path, content] of Object.entries(build.files))
        expect(sameBytes(again.files[path], content)).toBe(true);
    }
    expect(sameBytes(buildTinyBert(99).files['onnx/model.onnx'], bert.files['onnx/model.onnx'])).toBe(false);
  });

  it('int8 files keep the float graph inputs, outputs and Softmax nodes', () => {
    const summary = (b: Uint8Array) => {
      const g = decodeModel(b).graph!;
      return {
        inputs: g.input!.map((v) => v.name),
        outputs: g.output!.map((v) => v.name),
        softmax: g.node!.filter((n) => n.opType === 'Softmax').map((n) => `${n.name}:${n.input}`),
        floatMatMulsOnWeights: g.node!.filter(
          (n) => n.opType === 'MatMul' && g.initializer!.some((t) => t.name === n.input![1]),
        ).length,
      };
    };
    for (const m of [bert, gpt2, marian]) {
      for (const path of Object.keys(m.files).filter((p) => p.endsWith('_quantized.onnx'))) {
        const q = summary(bytes(m, path));
        const f = summary(bytes(m, path.replace('_quantized', '')));
        expect(q.floatMatMulsOnWeights).toBe(0);
        expect({ ...q, floatMatMulsOnWeights: 0 }).toEqual({ ...f, floatMatMulsOnWeights: 0 });
      }
    }
  });

  it('files stay small', () => {
    for (const m of [bert, gpt2, marian])
      for (const [path, content] of Object.entries(m.files)) {
        if (path.endsWith('.onnx')) expect(content.length).toBeLessThan(300_000);
      }
  });
});

describe('tiny-bert', () => {
  const softmax = (i: number) => `/bert/encoder/layer.${i}/attention/self/Softmax`;

  it('has one Softmax per layer, named like an HF export', () => {
    const nodes = decodeModel(bytes(bert, 'onnx/model.onnx')).graph!.node!;
    expect(nodes.filter((n) => n.opType === 'Softmax').map((n) => n.name)).toEqual([softmax(0), softmax(1)]);
    expect(nodes.filter((n) => n.opType === 'Erf')).toHaveLength(2);
    expect(nodes.filter((n) => n.opType === 'LayerNormalization')).toHaveLength(5);
  });

  it('runs fp32 and int8; padded keys get exactly 0 attention; int8 within tolerance', async () => {
    const outs = [softmax(0), softmax(1)].map((s) => `${s}_output_0`);
    const fp = await (await session(ortNode, exposing(bytes(bert, 'onnx/model.onnx'), outs))).run(
      bertFeeds(ortNode),
    );
    const q = await (await session(ortNode, bytes(bert, 'onnx/model_quantized.onnx'))).run(
      bertFeeds(ortNode),
    );
    expect(fp.logits.dims).toEqual([2, 3]);
    expect(q.logits.dims).toEqual([2, 3]);
    for (const o of outs) {
      expect(fp[o].dims).toEqual([2, 4, 8, 8]);
      checkProbs(fp[o], (b, _q, k) => !(b === 0 && k >= 6));
    }
    expect(relErr(f32(q.logits), f32(fp.logits))).toBeLessThan(INT8_REL_TOL);
    // The two sentences are told apart.
    expect(maxAbsDiff(f32(fp.logits).slice(0, 3), f32(fp.logits).slice(3))).toBeGreaterThan(0.1);
  });
});

describe('tiny-gpt2', () => {
  const ids = [[39, 68, 288, 78, 316, 11, 260]];
  const mask = [[1, 1, 1, 1, 1, 1, 1]];

  it('has one Softmax per layer and a tied LM head', () => {
    const g = decodeModel(bytes(gpt2, 'onnx/model.onnx')).graph!;
    expect(g.node!.filter((n) => n.opType === 'Softmax').map((n) => n.name)).toEqual([
      '/transformer/h.0/attn/Softmax',
      '/transformer/h.1/attn/Softmax',
    ]);
    expect(g.initializer!.filter((t) => t.name === 'transformer.wte.weight')).toHaveLength(1);
    expect(g.node!.find((n) => n.name === '/lm_head/Transpose')?.input).toEqual(['transformer.wte.weight']);
  });

  it('gives the same last-position logits with a cache as without (fp32)', async () => {
    const s = await session(ortNode, bytes(gpt2, 'onnx/model.onnx'));
    const full = await s.run(gpt2Feeds(ortNode, ids, mask));
    const V = full.logits.dims[2];
    const n = ids[0].length;
    const prefix = await s.run(gpt2Feeds(ortNode, [ids[0].slice(0, n - 1)], [mask[0].slice(0, n - 1)]));
    expect(prefix['present.0.key'].dims).toEqual([1, 4, n - 1, 8]);
    const step = await s.run(gpt2Feeds(ortNode, [[ids[0][n - 1]]], mask, prefix));
    expect(step['present.1.value'].dims).toEqual([1, 4, n, 8]);
    expect(maxAbsDiff(f32(step.logits), f32(full.logits).slice((n - 1) * V))).toBeLessThan(1e-4);
  });

  it('masks the future and padding exactly; left padding does not change the real tokens', async () => {
    const outs = ['/transformer/h.0/attn/Softmax_output_0', '/transformer/h.1/attn/Softmax_output_0'];
    const s = await session(ortNode, exposing(bytes(gpt2, 'onnx/model.onnx'), outs));
    const padded = [[0, 0, ...ids[0].slice(0, 5)], ids[0]];
    const pmask = [[0, 0, 1, 1, 1, 1, 1], mask[0]];
    const r = await s.run(gpt2Feeds(ortNode, padded, pmask));
    for (const o of outs) {
      // Rows of padded queries see no real key at all; those are left out (their values do not matter).
      const allowed = (b: number, q: number, k: number) => k <= q && pmask[b][k] === 1;
      const sliced = r[o];
      checkProbs(sliced, (b, q, k) => (b === 0 && q < 2 ? true : allowed(b, q, k)));
    }
    const alone = await s.run(gpt2Feeds(ortNode, [ids[0].slice(0, 5)], [[1, 1, 1, 1, 1]]));
    const V = alone.logits.dims[2];
    expect(maxAbsDiff(f32(r.logits).slice(2 * V, 7 * V), f32(alone.logits))).toBeLessThan(1e-4);
  });

  it('int8 logits within tolerance, with and without a cache', async () => {
    const fp = await session(ortNode, bytes(gpt2, 'onnx/model.onnx'));
    const q = await session(ortNode, bytes(gpt2, 'onnx/model_quantized.onnx'));
    const a = await fp.run(gpt2Feeds(ortNode, ids, mask));
    const b = await q.run(gpt2Feeds(ortNode, ids, mask));
    expect(relErr(f32(b.logits), f32(a.logits))).toBeLessThan(INT8_REL_TOL);
    const n = ids[0].length;
    const prefix = await q.run(gpt2Feeds(ortNode, [ids[0].slice(0, n - 1)], [mask[0].slice(0, n - 1)]));
    const step = await q.run(gpt2Feeds(ortNode, [[ids[0][n - 1]]], mask, prefix));
    const V = a.logits.dims[2];
    expect(relErr(f32(step.logits), f32(a.logits).slice((n - 1) * V))).toBeLessThan(INT8_REL_TOL);
  });
});

describe('tiny-marian', () => {
  const src = [
    [278, 95, 280, 16, 1],
    [278, 95, 1, 0, 0],
  ];
  const srcMask = [
    [1, 1, 1, 1, 1],
    [1, 1, 1, 0, 0],
  ];
  const tgt = [
    [0, 80, 90, 100],
    [0, 110, 120, 130],
  ];

  async function run(ort: Ort, suffix: string, extra: string[] = []) {
    const enc = await session(ort, bytes(marian, `onnx/encoder_model${suffix}.onnx`));
    const dec = await session(ort, exposing(bytes(marian, `onnx/decoder_model${suffix}.onnx`), extra));
    const m = i64(ort, srcMask);
    const { last_hidden_state } = await enc.run({ input_ids: i64(ort, src), attention_mask: m });
    return {
      dec,
      m,
      enc: last_hidden_state,
      out: await dec.run(decoderFeeds(ort, tgt, m, last_hidden_state)),
    };
  }

  it('has self- and cross-attention Softmax nodes per decoder layer', () => {
    const names = (f: string) =>
      decodeModel(bytes(marian, f))
        .graph!.node!.filter((n) => n.opType === 'Softmax')
        .map((n) => n.name);
    expect(names('onnx/encoder_model.onnx')).toEqual([
      '/model/encoder/layers.0/self_attn/Softmax',
      '/model/encoder/layers.1/self_attn/Softmax',
    ]);
    expect(names('onnx/decoder_model.onnx')).toEqual([
      '/model/decoder/layers.0/self_attn/Softmax',
      '/model/decoder/layers.0/encoder_attn/Softmax',
      '/model/decoder/layers.1/self_attn/Softmax',
      '/model/decoder/layers.1/encoder_attn/Softmax',
    ]);
    expect(marian.files['onnx/decoder_model_merged.onnx']).toEqual(marian.files['onnx/decoder_model.onnx']);
  });

  it('masks the future (self) and padded source tokens (cross) exactly', async () => {
    const self = '/model/decoder/layers.1/self_attn/Softmax_output_0';
    const cross = '/model/decoder/layers.1/encoder_attn/Softmax_output_0';
    const { out } = await run(ortNode, '', [self, cross]);
    expect(out.logits.dims).toEqual([2, 4, JSON.parse(marian.files['config.json'] as string).vocab_size]);
    checkProbs(out[self], (_b, q, k) => k <= q);
    expect(out[cross].dims).toEqual([2, 4, 4, 5]);
    checkProbs(out[cross], (b, _q, k) => srcMask[b][k] === 1);
  });

  it('gives the same logits step by step with a cache (fp32), and int8 within tolerance', async () => {
    const { dec, m, enc, out } = await run(ortNode, '');
    const V = out.logits.dims[2];
    const first = await dec.run(
      decoderFeeds(
        ortNode,
        tgt.map((r) => r.slice(0, 3)),
        m,
        enc,
      ),
    );
    const step = await dec.run(
      decoderFeeds(
        ortNode,
        tgt.map((r) => r.slice(3)),
        m,
        enc,
        first,
      ),
    );
    for (let b = 0; b < 2; b++) {
      const full = f32(out.logits).slice((b * 4 + 3) * V, (b * 4 + 4) * V);
      expect(maxAbsDiff(f32(step.logits).slice(b * V, (b + 1) * V), full)).toBeLessThan(1e-4);
    }
    const q = await run(ortNode, '_quantized');
    expect(relErr(f32(q.out.logits), f32(out.logits))).toBeLessThan(INT8_REL_TOL);
  });
});

describe('int8 vs fp32 on random inputs', () => {
  const rng = new Rng(7);
  // Random token ids past the special tokens, 3–22 long.
  const sample = (vocab: number) =>
    Array.from({ length: 3 + Math.floor(rng.next() * 20) }, () => 5 + Math.floor(rng.next() * (vocab - 6)));
  const vocab = (m: ModelFiles) => JSON.parse(m.files['config.json'] as string).vocab_size as number;

  it(`stay within ${INT8_REL_TOL} of the logit range`, async () => {
    const open = (m: ModelFiles, f: string) =>
      Promise.all([
        session(ortNode, bytes(m, `onnx/${f}.onnx`)),
        session(ortNode, bytes(m, `onnx/${f}_quantized.onnx`)),
      ]);
    const [bf, bq] = await open(bert, 'model');
    const [gf, gq] = await open(gpt2, 'model');
    const [ef, eq] = await open(marian, 'encoder_model');
    const [df, dq] = await open(marian, 'decoder_model');
    // All logits of the 20 runs, fp32 and int8, per model: the tolerance is relative to their range.
    const got = { bert: [[], []], gpt2: [[], []], marian: [[], []] } as Record<string, [number[], number[]]>;
    const collect = (id: string, fp: T, q: T) => {
      got[id][0].push(...f32(fp));
      got[id][1].push(...f32(q));
    };
    for (let trial = 0; trial < 20; trial++) {
      const ids = [sample(Math.min(vocab(bert), vocab(gpt2), vocab(marian)))];
      const ones = [ids[0].map(() => 1)];
      const cls = [[2, ...ids[0], 3]]; // BERT sees [CLS] … [SEP], as its tokenizer makes it
      const fb = {
        input_ids: i64(ortNode, cls),
        attention_mask: i64(ortNode, [cls[0].map(() => 1)]),
        token_type_ids: i64(ortNode, [cls[0].map(() => 0)]),
      };
      collect('bert', (await bf.run(fb)).logits, (await bq.run(fb)).logits);
      const fg = gpt2Feeds(ortNode, ids, ones);
      collect('gpt2', (await gf.run(fg)).logits, (await gq.run(fg)).logits);
      const fe = { input_ids: i64(ortNode, ids), attention_mask: i64(ortNode, ones) };
      const tgt = [[0, ...sample(vocab(marian)).slice(0, 4)]];
      const encF = (await ef.run(fe)).last_hidden_state;
      const encQ = (await eq.run(fe)).last_hidden_state;
      collect(
        'marian',
        (await df.run(decoderFeeds(ortNode, tgt, fe.attention_mask, encF))).logits,
        (await dq.run(decoderFeeds(ortNode, tgt, fe.attention_mask, encQ))).logits,
      );
    }
    for (const [fp, q] of Object.values(got)) {
      expect(relErr(Float32Array.from(q), Float32Array.from(fp))).toBeLessThan(INT8_REL_TOL);
    }
  });
});

describe('int8 models in onnxruntime-web (wasm)', () => {
  beforeAll(() => {
    ortWeb.env.wasm.numThreads = 1;
  });

  it('run and agree with onnxruntime-node', async () => {
    const web = ortWeb as unknown as Ort;
    const encoderStates = (ort: Ort) =>
      new ort.Tensor('float32', new Rng(1).normals(2 * 5 * 32, 1), [2, 5, 32]);
    const cases: [Uint8Array, (ort: Ort) => Feeds][] = [
      [bytes(bert, 'onnx/model_quantized.onnx'), bertFeeds],
      [bytes(gpt2, 'onnx/model_quantized.onnx'), (ort) => gpt2Feeds(ort, [[39, 68, 288]], [[1, 1, 1]])],
      [
        bytes(marian, 'onnx/encoder_model_quantized.onnx'),
        (ort) => ({ input_ids: i64(ort, [[50, 60, 1]]), attention_mask: i64(ort, [[1, 1, 1]]) }),
      ],
      [
        bytes(marian, 'onnx/decoder_model_quantized.onnx'),
        (ort) =>
          decoderFeeds(
            ort,
            [
              [0, 70],
              [0, 80],
            ],
            i64(ort, [
              [1, 1, 1, 1, 1],
              [1, 1, 1, 0, 0],
            ]),
            encoderStates(ort),
          ),
      ],
    ];
    for (const [model, feeds] of cases) {
      const node = await session(ortNode, model);
      const a = await node.run(feeds(ortNode));
      const b = await (await session(web, model)).run(feeds(web));
      const out = node.outputNames[0];
      expect(maxAbsDiff(f32(b[out]), f32(a[out]))).toBeLessThan(1e-3);
    }
  });
});

describe('in @huggingface/transformers (offline)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tiny-models-'));
    await generateTinyModels(dir);
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = dir;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const sentences = [
    'Hello world, the movie was great!',
    'The café served a naïve crème brûlée 😀 👋🏽',
    'UPPER lower 123 #tag x+y=z',
    '日本語 and Ελληνικά',
  ];

  it('tokenizers: @huggingface/tokenizers and AutoTokenizer give the same ids', async () => {
    for (const id of ['tiny-bert', 'tiny-gpt2', 'tiny-marian']) {
      const auto = await AutoTokenizer.from_pretrained(id);
      const tj = JSON.parse(readFileSync(join(dir, id, 'tokenizer.json'), 'utf8'));
      const tc = JSON.parse(readFileSync(join(dir, id, 'tokenizer_config.json'), 'utf8'));
      const tok = new Tokenizer(tj, tc);
      for (const s of sentences) {
        const ids = tok.encode(s).ids;
        expect(auto.encode(s)).toEqual(ids);
        if (id === 'tiny-gpt2') expect(tok.decode(ids)).toBe(s); // byte-level: lossless, no UNK
      }
    }
    // WordPiece: any ASCII word falls back to letters and ##letters, never [UNK].
    const bertTok = await AutoTokenizer.from_pretrained('tiny-bert');
    const unk = bertTok.convert_tokens_to_ids('[UNK]');
    expect(bertTok.encode('Zyzzyva quixotic 42 jumps! ~{x}')).not.toContain(unk);
  });

  for (const dtype of ['fp32', 'q8'] as const) {
    it(`tiny-bert classifies (${dtype})`, async () => {
      const tok = await AutoTokenizer.from_pretrained('tiny-bert');
      const model = await AutoModelForSequenceClassification.from_pretrained('tiny-bert', { dtype });
      const out = await model(await tok(sentences.slice(0, 2), { padding: true }));
      expect(out.logits.dims).toEqual([2, 3]);
      expect((model.config as unknown as { id2label: unknown }).id2label).toEqual({
        0: 'negative',
        1: 'neutral',
        2: 'positive',
      });
    });

    it(`tiny-gpt2 generates greedily with its cache (${dtype})`, async () => {
      const tok = await AutoTokenizer.from_pretrained('tiny-gpt2');
      const model = await AutoModelForCausalLM.from_pretrained('tiny-gpt2', { dtype });
      const inputs = tok('Hello world, the');
      const out = (await model.generate({ ...inputs, max_new_tokens: 4, do_sample: false })) as {
        tolist(): bigint[][];
      };
      const ids = out.tolist()[0].map(Number);
      expect(ids).toHaveLength(inputs.input_ids.dims[1] + 4);
      if (dtype === 'fp32') expect(ids).toEqual(await greedyGpt2(ids.slice(0, -4), 4));
    });

    it(`tiny-marian translates greedily (${dtype})`, async () => {
      const tok = await AutoTokenizer.from_pretrained('tiny-marian');
      const model = await AutoModelForSeq2SeqLM.from_pretrained('tiny-marian', { dtype });
      const inputs = tok('Translate this sentence.');
      const out = (await model.generate({ ...inputs, max_new_tokens: 4 })) as { tolist(): bigint[][] };
      const ids = out.tolist()[0].map(Number);
      expect(ids[0]).toBe(0); // decoder_start_token_id = <pad>
      expect(ids.length).toBeGreaterThan(1);
      expect(ids.length).toBeLessThanOrEqual(5);
      expect(typeof tok.decode(ids, { skip_special_tokens: true })).toBe('string');
    });
  }
});

/** Greedy decoding without a cache, recomputing the whole sequence each step. */
async function greedyGpt2(prompt: number[], steps: number): Promise<number[]> {
  const s = await session(ortNode, bytes(gpt2, 'onnx/model.onnx'));
  const ids = [...prompt];
  for (let i = 0; i < steps; i++) {
    const { logits } = await s.run(gpt2Feeds(ortNode, [ids], [ids.map(() => 1)]));
    const V = logits.dims[2];
    const last = f32(logits).slice((ids.length - 1) * V);
    ids.push(last.indexOf(Math.max(...last)));
  }
  return ids;
}
