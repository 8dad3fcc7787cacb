/**
 * Runs a parsed command with the core the worker and the in-browser runner call, after the checks
 * the API's routes make before any model work (worker/checks.ts, the same functions).
 */
import { readFile } from 'node:fs/promises';
import { explainAttention } from '../shared/explain/attention.js';
import type { BrownPosData } from '../shared/explain/probe/index.js';
import { explainProbe } from '../shared/explain/probe-document.js';
import { createSaliencyContext } from '../shared/explain/saliency/index.js';
import { explainSaliency } from '../shared/explain/saliency-document.js';
import { loadModel, loadTokenizer, type ModelMeta, readModelMeta } from '../shared/runtime/model.js';
import { createSessionFactory } from '../shared/runtime/session.js';
import type { TextTokenizer } from '../shared/runtime/tokenizer.js';
import type { ExplanationDocument } from '../shared/schema/document.js';
import { FLOW_MAX_TOKENS, LIMITS } from '../shared/schema/limits.js';
import type { AttentionRequest, ProbeRequest, SaliencyRequest } from '../shared/schema/requests.js';
import { checkAlignment, checkTokens, encoderDecoderOnly, inRange } from '../worker/checks.js';
import { decoderRows } from '../worker/response-size.js';
import { CliError, EXIT_FAILURE } from './cli-error.js';
import { diskReader, nodeOrt } from './node-host.js';
import type { Parsed } from './parse.js';
import { BROWN_POS_DATA, resolveModel } from './resolve-model.js';

type Run = Extract<Parsed, { help: false }>;

const maxTokens = (meta: ModelMeta) => Math.min(LIMITS.max_tokens, meta.maxTokens);

function checkAttention(meta: ModelMeta, tokenizer: TextTokenizer, req: AttentionRequest): void {
  const { layers, heads, encoderLayers, encoderHeads } = meta.shape;
  inRange(req.layers, Math.max(layers, encoderLayers ?? 0), 'layers', req.model);
  inRange(req.heads, Math.min(heads, encoderHeads ?? heads), 'heads', req.model);
  encoderDecoderOnly(meta, {
    target_text: req.target_text,
    generate: req.generate,
    gold_alignment: req.gold_alignment,
  });
  if (req.target_text !== undefined && req.generate) {
    throw new CliError('invalid_request', 'give either --target-text or --max-new-tokens, not both');
  }
  const limit = maxTokens(meta);
  const flow = req.analyses?.includes('flow');
  const n = checkTokens(tokenizer, req.text, flow ? Math.min(limit, FLOW_MAX_TOKENS) : limit, 'text');
  let target: number | undefined;
  if (req.target_text !== undefined) {
    checkTokens(tokenizer, req.target_text, limit - 1, 'target_text');
    target = tokenizer.encode(req.target_text, false).ids.length;
  }
  checkAlignment(req.gold_alignment, decoderRows(req, target), n);
}

function checkSaliency(meta: ModelMeta, tokenizer: TextTokenizer, req: SaliencyRequest): void {
  encoderDecoderOnly(meta, { target_text: req.target_text });
  const limit = Math.min(maxTokens(meta), LIMITS.max_saliency_tokens);
  checkTokens(tokenizer, req.text, limit, 'text');
  if (req.target_text !== undefined) checkTokens(tokenizer, req.target_text, limit - 1, 'target_text');
}

function checkProbe(req: ProbeRequest): void {
  if (req.examples && (req.task || req.layers)) {
    throw new CliError(
      'invalid_request',
      'give either --examples (with --layer) or a built-in --task (with --layers)',
    );
  }
  if (!req.examples && req.layer !== undefined) {
    throw new CliError('invalid_request', '--layer goes with --examples; the built-in task takes --layers');
  }
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** A model folder that is there but does not load: not the user's input, so exit 1. */
function unavailable(id: string, e: unknown): Error {
  if (typeof (e as { code?: unknown })?.code === 'string' && !(e as { errno?: unknown }).errno)
    return e as Error;
  return new CliError('model_unavailable', `model ${id} did not load: ${(e as Error).message}`, EXIT_FAILURE);
}

export async function run(cmd: Run): Promise<ExplanationDocument> {
  const folder = resolveModel(cmd.model);
  const read = diskReader(folder);
  const id = cmd.request.model;
  const meta = await readModelMeta(id, read).catch((e) => {
    throw unavailable(id, e);
  });
  const tokenizer = await loadTokenizer(meta, read).catch((e) => {
    throw unavailable(id, e);
  });
  if (cmd.command === 'attention') checkAttention(meta, tokenizer, cmd.request as AttentionRequest);
  if (cmd.command === 'saliency') checkSaliency(meta, tokenizer, cmd.request as SaliencyRequest);
  if (cmd.command === 'probe') checkProbe(cmd.request as ProbeRequest);

  const factory = createSessionFactory(nodeOrt);
  const model = await loadModel(meta, read, factory, { precision: cmd.precision, tokenizer }).catch((e) => {
    throw unavailable(id, e);
  });
  if (cmd.command === 'attention') {
    const req = cmd.request as AttentionRequest;
    return explainAttention(model, req.text, req);
  }
  if (cmd.command === 'saliency') {
    const req = cmd.request as SaliencyRequest;
    const ctx = await createSaliencyContext({ ...meta, precision: cmd.precision }, read, factory);
    // the sentiment lexicon, where the model's labels are a known function of one (as the worker reads it)
    const lexicon = await readJson<Record<string, number>>(`${folder}/lexicon.json`).catch(() => undefined);
    return explainSaliency(model, ctx, req.text, req, { lexicon });
  }
  const req = cmd.request as ProbeRequest;
  return explainProbe(model, req, () => readJson<BrownPosData>(BROWN_POS_DATA));
}
