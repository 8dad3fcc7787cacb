/**
 * Broken model folders for the worker's fault tests, made deterministically from the tiny models:
 * a missing graph, a truncated graph, garbage bytes for a graph, a tokenizer.json or a config.json
 * that does not parse, and a graph that fails inside onnxruntime for one batch size only. They are written to a
 * test-only assets folder (never to models/generated/, so the demo does not ship them):
 *
 *   npx tsx models/tiny/faults.ts <outDir>   # → <outDir>/models/<id>/ (and the good tiny-bert)
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { node, tensorI64, valueInfo } from '../../shared/onnx/builder.js';
import { DataType, decodeModel, encodeModel, type ModelProto } from '../../shared/onnx/proto.js';
import { quantizeDynamic } from '../../shared/onnx/quantize.js';
import { Rng } from '../../shared/util/random.js';
import { buildTinyBert, TINY_BERT } from './bert.js';
import type { ModelFiles } from './files.js';
import { writeModelFiles } from './generate.js';
import { buildTinyMarian } from './marian.js';

/** The batch size at which the `fault-batch` graph fails (IG's f(x)/f(baseline) pair, or a chunk of 2). */
export const FAILING_BATCH = 2;

const bytesOf = (files: ModelFiles, path: string) => files.files[path] as Uint8Array;

function without(files: ModelFiles, path: string): ModelFiles {
  const { [path]: _, ...rest } = files.files;
  return { files: rest };
}

function replaced(files: ModelFiles, path: string, content: Uint8Array | string): ModelFiles {
  return { files: { ...files.files, [path]: content } };
}

/**
 * Inserts, after `tensor`, a Reshape to its own shape plus one along the batch axis when the batch
 * is `batch`: the identity for every other batch size, and a run-time error inside onnxruntime
 * ("cannot reshape") for that one. Shape arithmetic only, so the gradient graph keeps it too.
 * `dims` declares the guarded tensor's shape (as an exporter's value_info would): without it its rank
 * is unknown after the computed Reshape, the batch-coupling check then counts the LayerNorm after it
 * as mixing examples, the explanations run one example at a time and the failing batch never occurs.
 */
export function failAtBatch(
  model: ModelProto,
  tensor: string,
  batch: number,
  dims: (number | string)[],
): ModelProto {
  const m = decodeModel(encodeModel(model));
  const g = m.graph!;
  const guarded = `${tensor}/batch_guard`;
  for (const n of g.node ?? []) n.input = (n.input ?? []).map((i) => (i === tensor ? guarded : i));
  const p = `${tensor}/batch_guard_`;
  g.initializer!.push(tensorI64(`${p}bad`, [dims.length], [batch, ...dims.slice(1).map(() => -1)]));
  g.valueInfo = [...(g.valueInfo ?? []), valueInfo(guarded, DataType.FLOAT, dims)];
  g.node!.push(
    node('Shape', [tensor], [`${p}shape`]),
    node('Equal', [`${p}shape`, `${p}bad`], [`${p}hit`]),
    node('Cast', [`${p}hit`], [`${p}plus`], { to: DataType.INT64 }),
    node('Add', [`${p}shape`, `${p}plus`], [`${p}target`]),
    node('Reshape', [tensor, `${p}target`], [guarded]),
  );
  return m;
}

function tinyBertFailingAt(batch: number): ModelFiles {
  const good = buildTinyBert();
  // the embeddings' sum, before their LayerNorm: on the path of every forward and gradient run
  const model = failAtBatch(
    decodeModel(bytesOf(good, 'onnx/model.onnx')),
    '/bert/embeddings/Add_1_output_0',
    batch,
    ['batch_size', 'sequence_length', TINY_BERT.hidden],
  );
  return replaced(
    replaced(good, 'onnx/model.onnx', encodeModel(model)),
    'onnx/model_quantized.onnx',
    encodeModel(quantizeDynamic(model)),
  );
}

/** Fault fixture id → its files. `tiny-bert` is the good model the next request goes to. */
export const FAULT_MODELS: Record<string, () => ModelFiles> = {
  'tiny-bert': () => buildTinyBert(),
  'fault-missing-onnx': () => without(buildTinyBert(), 'onnx/model_quantized.onnx'),
  // the encoder opens, then the decoder is missing: the encoder's session must not stay open
  'fault-missing-decoder': () => without(buildTinyMarian(), 'onnx/decoder_model_quantized.onnx'),
  'fault-truncated-onnx': () => {
    const f = buildTinyBert();
    const b = bytesOf(f, 'onnx/model_quantized.onnx');
    return replaced(f, 'onnx/model_quantized.onnx', b.slice(0, Math.floor(b.length / 2)));
  },
  'fault-garbage-onnx': () => {
    const rng = new Rng(11);
    const garbage = Uint8Array.from({ length: 4096 }, () => Math.floor(rng.next() * 256));
    return replaced(buildTinyBert(), 'onnx/model_quantized.onnx', garbage);
  },
  'fault-bad-tokenizer': () => {
    const f = buildTinyBert();
    const t = f.files['tokenizer.json'] as string;
    return replaced(f, 'tokenizer.json', t.slice(0, Math.floor(t.length / 2)));
  },
  // read by GET /v1/models for every served model: the listing must survive it
  'fault-bad-config': () => {
    const f = buildTinyBert();
    const c = f.files['config.json'] as string;
    return replaced(f, 'config.json', c.slice(0, Math.floor(c.length / 2)));
  },
  'fault-batch': () => tinyBertFailingAt(FAILING_BATCH),
};

/** Writes every fault fixture to `<outDir>/models/<id>/`, replacing what was there. */
export async function writeFaultSite(outDir: string): Promise<string[]> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'models'), { recursive: true });
  for (const [id, build] of Object.entries(FAULT_MODELS))
    await writeModelFiles(join(outDir, 'models', id), build());
  return Object.keys(FAULT_MODELS);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? 'dist/fault-site');
  console.log(`fault fixtures in ${out}: ${(await writeFaultSite(out)).join(', ')}`);
}
