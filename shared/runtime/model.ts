/**
 * Loads a model folder in the Hugging Face layout (config.json, tokenizer.json,
 * tokenizer_config.json, onnx/*.onnx) from wherever the host keeps it, rewrites its graphs to expose
 * attention, and opens the sessions. The host supplies file access and a session factory.
 */
import type { AttentionOutput, AttentionStack } from '../onnx/expose-attention.js';
import type { HiddenOutput } from '../onnx/expose-hidden.js';
import { prepareGraph } from '../onnx/prepare-graph.js';
import { graphFiles } from './graph-files.js';
import { type HfConfig, type ModelShape, modelShape } from './model-config.js';
import type { OrtModule, Session, SessionFactory } from './session.js';
import { TextTokenizer } from './tokenizer.js';

/** Reads a file of a model folder by its relative path (e.g. `onnx/model.onnx`). */
export type ReadFile = (path: string) => Promise<Uint8Array>;

export type Precision = 'fp32' | 'int8';

export interface ModelMeta {
  id: string;
  config: HfConfig;
  // biome-ignore lint/suspicious/noExplicitAny: tokenizer_config.json is loosely typed.
  tokenizerConfig: Record<string, any>;
  shape: ModelShape;
  /** tokens the model accepts (its positions), before the deployment's own limit */
  maxTokens: number;
}

export interface Graph {
  session: Session;
  attention: AttentionOutput[];
  /** hidden states of every layer (for probing); empty where the residual stream was not found */
  hidden: HiddenOutput[];
  /** whether each example of a batch gets what it would get alone (no dynamic-int8 activation range, …) */
  batchSeparable: boolean;
  /** why `attention` is empty: a fused operator that could not be rewritten (../onnx/prepare-graph.ts) */
  attentionError?: string;
}

export interface LoadedModel extends ModelMeta {
  precision: Precision;
  tokenizer: TextTokenizer;
  ort: OrtModule;
  /** encoder-only and decoder-only models have `model`; encoder-decoder models `encoder` + `decoder`. */
  graphs: { model?: Graph; encoder?: Graph; decoder?: Graph };
}

const json = async (read: ReadFile, path: string) => JSON.parse(new TextDecoder().decode(await read(path)));

export async function readModelMeta(id: string, read: ReadFile): Promise<ModelMeta> {
  const config = await json(read, 'config.json');
  const tokenizerConfig = await json(read, 'tokenizer_config.json').catch(() => ({}));
  const shape = modelShape(config);
  const fromTokenizer =
    typeof tokenizerConfig.model_max_length === 'number' ? tokenizerConfig.model_max_length : Infinity;
  const maxTokens = Math.min(shape.maxPositions ?? Infinity, fromTokenizer);
  return { id, config, tokenizerConfig, shape, maxTokens: Number.isFinite(maxTokens) ? maxTokens : 512 };
}

async function openGraph(
  read: ReadFile,
  factory: SessionFactory,
  file: string,
  stack: AttentionStack,
): Promise<Graph> {
  // Fused operators rewritten first; a graph whose attention stays hidden still opens (occlusion works).
  const r = prepareGraph(await read(file), { stack });
  return {
    session: await factory.create(r.bytes),
    attention: r.attention,
    hidden: r.hidden,
    batchSeparable: r.batchSeparable,
    ...(r.attentionError ? { attentionError: r.attentionError } : {}),
  };
}

export function loadTokenizer(meta: ModelMeta, read: ReadFile): Promise<TextTokenizer> {
  return json(read, 'tokenizer.json').then((t) => new TextTokenizer(t, meta.tokenizerConfig));
}

export interface LoadOptions {
  precision?: Precision;
  /** an already loaded tokenizer of this model (hosts count tokens before loading the graphs) */
  tokenizer?: TextTokenizer;
}

export async function loadModel(
  meta: ModelMeta,
  read: ReadFile,
  factory: SessionFactory,
  opts: LoadOptions = {},
): Promise<LoadedModel> {
  const precision = opts.precision ?? 'int8';
  const tokenizer = opts.tokenizer ?? (await loadTokenizer(meta, read));
  const [first, second] = graphFiles(meta.shape.family, precision);
  const graphs: LoadedModel['graphs'] =
    meta.shape.family === 'encoder-decoder'
      ? {
          encoder: await openGraph(read, factory, first, 'encoder'),
          decoder: await openGraph(read, factory, second, 'decoder'),
        }
      : {
          model: await openGraph(
            read,
            factory,
            first,
            meta.shape.family === 'decoder' ? 'decoder' : 'encoder',
          ),
        };
  return { ...meta, precision, tokenizer, graphs, ort: factory.ort };
}
