/**
 * Resolves what an API caller asks to explain (a label, a next token, a forced output, a foil) into
 * the core's target spec, with the defaults users expect: the predicted class, the predicted next
 * token, or the whole output of an encoder-decoder model.
 */
import type { ForwardResult } from '../../runtime/forward.js';
import { argmaxLast } from '../../runtime/forward.js';
import type { LoadedModel } from '../../runtime/model.js';
import type { SaliencyTarget } from '../../schema/requests.js';
import type { TargetSpec } from '../targets.js';

export class TargetError extends Error {
  readonly code = 'invalid_target';
}

/** How the document names the target beside its ids. */
export interface TargetDescription {
  score: TargetSpec['score'];
  label?: string;
  token?: string;
  text?: string;
  foil?: string;
  tokens: number[];
  positions?: number[];
  foils?: number[];
}

function labelIndex(model: LoadedModel, v: string | number, field: string): number {
  const labels = model.shape.labels ?? [];
  const i = typeof v === 'number' ? v : labels.indexOf(v);
  if (i < 0 || i >= labels.length) {
    throw new TargetError(
      `target.${field}: ${JSON.stringify(v)} is not a label of this model (${labels.join(', ')})`,
    );
  }
  return i;
}

function tokenId(model: LoadedModel, v: string | number, field: string, vocab: number): number {
  if (typeof v === 'number') {
    if (v >= vocab)
      throw new TargetError(`target.${field}: token id ${v} is out of the vocabulary (${vocab})`);
    return v;
  }
  const { ids } = model.tokenizer.encode(v, false);
  if (ids.length !== 1) {
    throw new TargetError(
      `target.${field}: ${JSON.stringify(v)} is ${ids.length} tokens; give a single token (or its id)`,
    );
  }
  return ids[0];
}

export function resolveTarget(
  model: LoadedModel,
  r: ForwardResult,
  t: SaliencyTarget = {},
): TargetDescription {
  const family = model.shape.family;
  const vocab = r.logits.dims[r.logits.dims.length - 1];
  if (family === 'encoder') {
    if (t.token !== undefined)
      throw new TargetError('target.token applies to language models; use target.label');
    const cls = t.label !== undefined ? labelIndex(model, t.label, 'label') : argmaxLast(r.logits);
    const foil = t.foil !== undefined ? labelIndex(model, t.foil, 'foil') : undefined;
    const labels = model.shape.labels ?? [];
    return {
      score: t.score ?? 'probability',
      label: labels[cls],
      tokens: [cls],
      ...(foil !== undefined ? { foil: labels[foil], foils: [foil] } : {}),
    };
  }
  if (t.label !== undefined) throw new TargetError('target.label applies to classifiers; use target.token');
  const score = t.score ?? 'log_probability';
  if (family === 'decoder') {
    const id = t.token !== undefined ? tokenId(model, t.token, 'token', vocab) : argmaxLast(r.logits);
    const foil = t.foil !== undefined ? tokenId(model, t.foil, 'foil', vocab) : undefined;
    const last = r.input.ids.length - 1;
    return {
      score,
      token: model.tokenizer.decode([id]),
      tokens: [id],
      positions: [last],
      ...(foil !== undefined ? { foil: model.tokenizer.decode([foil]), foils: [foil] } : {}),
    };
  }
  // Encoder-decoder: the output tokens, token i predicted by decoder row i (the start token is fed only).
  if (t.token !== undefined || t.foil !== undefined) {
    throw new TargetError(
      'encoder-decoder models explain a whole output: give target_text instead of target.token',
    );
  }
  const out = r.target!;
  const tokens = out.ids;
  if (tokens.length === 0) throw new TargetError('the output to explain is empty');
  return { score, text: out.text, tokens, positions: tokens.map((_, i) => i) };
}
