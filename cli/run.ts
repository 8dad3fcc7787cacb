/**
 * Runs a parsed command with the core the worker and the in-browser runner call, after the checks
 * the API's routes make before any model work (../shared/explain/preconditions.ts, the same functions).
 */
import { readFile } from 'node:fs/promises';
import { diskReader, nodeOrt } from '../node/host.js';
import { type ExplainRequest, explain } from '../shared/explain/index.js';
import { type OpenModel, openModel } from '../shared/explain/open-model.js';
import {
  attentionPreconditions,
  probePreconditions,
  saliencyPreconditions,
} from '../shared/explain/preconditions.js';
import type { BrownPosData } from '../shared/explain/probe/index.js';
import { loadTokenizer, type ModelMeta, readModelMeta } from '../shared/runtime/model.js';
import { createSessionFactory } from '../shared/runtime/session.js';
import type { TextTokenizer } from '../shared/runtime/tokenizer.js';
import type { ExplanationDocument } from '../shared/schema/document.js';
import type { AttentionRequest, ProbeRequest, SaliencyRequest } from '../shared/schema/requests.js';
import { CliError, EXIT_FAILURE } from './cli-error.js';
import type { Precision, Run } from './parse.js';
import { BROWN_POS_DATA, resolveModel } from './resolve-model.js';

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** A model folder that is there but does not load: not the user's input, so exit 1. */
function unavailable(id: string, e: unknown): Error {
  if (typeof (e as { code?: unknown })?.code === 'string' && !(e as { errno?: unknown }).errno)
    return e as Error;
  return new CliError('model_unavailable', `model ${id} did not load: ${(e as Error).message}`, EXIT_FAILURE);
}

interface Prepared {
  folder: string;
  meta: ModelMeta;
  tokenizer: TextTokenizer;
  open: OpenModel;
}

/** Models opened in this process, by folder and precision: a batch opens each once. */
const prepared = new Map<string, Promise<Prepared>>();

function prepare(model: string, id: string, precision: Precision): Promise<Prepared> {
  const folder = resolveModel(model);
  const key = `${folder}|${precision}`;
  let p = prepared.get(key);
  if (!p) {
    p = (async () => {
      const read = diskReader(folder);
      const meta = await readModelMeta(id, read).catch((e) => {
        throw unavailable(id, e);
      });
      const tokenizer = await loadTokenizer(meta, read).catch((e) => {
        throw unavailable(id, e);
      });
      const open = openModel(meta, read, createSessionFactory(nodeOrt), {
        precision,
        tokenizer,
        onError: (e) => unavailable(id, e),
      });
      return { folder, meta, tokenizer, open };
    })();
    prepared.set(key, p);
    p.catch(() => prepared.delete(key));
  }
  return p;
}

export async function run(cmd: Run): Promise<ExplanationDocument> {
  const { folder, meta, tokenizer, open } = await prepare(cmd.model, cmd.request.model, cmd.precision);
  if (cmd.command === 'attention') attentionPreconditions(meta, tokenizer, cmd.request as AttentionRequest);
  if (cmd.command === 'saliency') saliencyPreconditions(meta, tokenizer, cmd.request as SaliencyRequest);
  if (cmd.command === 'probe') probePreconditions(cmd.request as ProbeRequest);
  const model = await open.model;
  return explain(model, { kind: cmd.command, ...cmd.request } as ExplainRequest, {
    saliency: open.saliency,
    // the sentiment lexicon, where the model's labels are a known function of one (as the worker reads it)
    lexicon: () => readJson<Record<string, number>>(`${folder}/lexicon.json`).catch(() => undefined),
    probeData: () => readJson<BrownPosData>(BROWN_POS_DATA),
  });
}
