/**
 * A model open in a host: its forward sessions, and its gradient graphs built on the first saliency
 * request (they double the sessions' memory, and attention never needs them). The worker's registry
 * and the in-browser runner keep these per model; `release` closes every session either opened.
 *
 *   const open = openModel(meta, read, factory, { precision: 'int8' });
 *   const doc = await explain(await open.model, request, open);
 */
import {
  type LoadedModel,
  loadModel,
  type ModelMeta,
  type Precision,
  type ReadFile,
} from '../runtime/model.js';
import { type SessionFactory, trackedFactory } from '../runtime/session.js';
import type { TextTokenizer } from '../runtime/tokenizer.js';
import { createSaliencyContext, type SaliencyContext } from './saliency/index.js';

export interface OpenModelOptions {
  precision: Precision;
  /** the tokenizer, where the host has loaded it already (to count tokens before any model work) */
  tokenizer?: TextTokenizer;
  /** activations one batched gradient run may take, in bytes (default: the saliency context's) */
  memoryBudget?: number;
  /** what a failed load becomes (the worker: a 503 without details) */
  onError?: (e: unknown) => Error;
}

export interface OpenModel {
  model: Promise<LoadedModel>;
  saliency(): Promise<SaliencyContext>;
  release(): Promise<void>;
}

export function openModel(
  meta: ModelMeta,
  read: ReadFile,
  factory: SessionFactory,
  { precision, tokenizer, memoryBudget, onError = (e) => e as Error }: OpenModelOptions,
): OpenModel {
  // Forward and gradient sessions apart, so that a failed load releases what it had opened.
  const forward = trackedFactory(factory);
  const gradients = trackedFactory(factory);
  let ctx: Promise<SaliencyContext> | undefined;
  return {
    model: loadModel(meta, read, forward, { precision, tokenizer }).catch(async (e) => {
      await forward.releaseAll(); // e.g. the encoder opened and the decoder's file is missing
      throw onError(e);
    }),
    saliency() {
      ctx ??= createSaliencyContext({ ...meta, precision }, read, gradients, {
        ...(memoryBudget ? { memoryBudget } : {}),
      }).catch(async (e) => {
        ctx = undefined;
        await gradients.releaseAll();
        throw onError(e);
      });
      return ctx;
    },
    async release() {
      await Promise.all([forward.releaseAll(), gradients.releaseAll()]);
    },
  };
}
