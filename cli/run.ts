/**
 * Runs a parsed command with the core the worker and the in-browser runner call, after the checks
 * the API's routes make before any model work (../shared/explain/preconditions.ts, the same functions).
 */
import { readFile } from 'node:fs/promises';
import { explainAttention } from '../shared/explain/attention.js';
import {
  attentionPreconditions,
  probePreconditions,
  saliencyPreconditions,
} from '../shared/explain/preconditions.js';
import type { BrownPosData } from '../shared/explain/probe/index.js';
import { explainProbe } from '../shared/explain/probe-document.js';
import { createSaliencyContext } from '../shared/explain/saliency/index.js';
import { explainSaliency } from '../shared/explain/saliency-document.js';
import { loadModel, loadTokenizer, readModelMeta } from '../shared/runtime/model.js';
import { createSessionFactory } from '../shared/runtime/session.js';
import type { ExplanationDocument } from '../shared/schema/document.js';
import type { AttentionRequest, ProbeRequest, SaliencyRequest } from '../shared/schema/requests.js';
import { CliError, EXIT_FAILURE } from './cli-error.js';
import { diskReader, nodeOrt } from './node-host.js';
import type { Parsed } from './parse.js';
import { BROWN_POS_DATA, resolveModel } from './resolve-model.js';

type Run = Extract<Parsed, { help: false }>;

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
  if (cmd.command === 'attention') attentionPreconditions(meta, tokenizer, cmd.request as AttentionRequest);
  if (cmd.command === 'saliency') saliencyPreconditions(meta, tokenizer, cmd.request as SaliencyRequest);
  if (cmd.command === 'probe') probePreconditions(cmd.request as ProbeRequest);

  const factory = createSessionFactory(nodeOrt);
  const model = await loadModel(meta, read, factory, { precision: cmd.precision, tokenizer }).catch((e) => {
    throw unavailable(id, e);
  });
  if (cmd.command === 'attention') {
    const req = cmd.request as AttentionRequest;
    // the metrics that need the model as a differentiable program open its saliency context
    return explainAttention(model, req.text, req, () =>
      createSaliencyContext({ ...meta, precision: cmd.precision }, read, factory),
    );
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
