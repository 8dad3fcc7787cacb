/**
 * What a request must satisfy before any model work, given the model's shape and tokenizer: the one
 * set of checks every host runs (the worker's routes, the CLI) after validating the request with
 * ../schema/requests.ts. Each refusal is a RequestError with the API's code.
 */
import { DEFAULT_NEW_TOKENS } from '../runtime/forward.js';
import type { ModelMeta } from '../runtime/model.js';
import type { TextTokenizer } from '../runtime/tokenizer.js';
import { FLOW_MAX_TOKENS, LIMITS } from '../schema/limits.js';
import type { AttentionRequest, ProbeRequest, SaliencyRequest } from '../schema/requests.js';
import { flowLimitMessage } from './attention/flow.js';
import { RequestError } from './request-error.js';

/** The token limit a request to this model is held to. */
export function maxTokens(meta: ModelMeta): number {
  return Math.min(LIMITS.max_tokens, meta.maxTokens);
}

/** Fields that only make sense for encoder-decoder models. */
export function encoderDecoderOnly(meta: ModelMeta, fields: Record<string, unknown>): void {
  if (meta.shape.family === 'encoder-decoder') return;
  const given = Object.keys(fields).filter((k) => fields[k] !== undefined);
  if (given.length > 0) {
    throw new RequestError(
      'target_not_supported',
      `${given.join(' and ')} apply to encoder-decoder models; ${meta.id} is an ${meta.shape.family} model`,
    );
  }
}

/** Layer or head indices below `count`. */
export function inRange(
  values: number[] | undefined,
  count: number,
  field: 'layers' | 'heads',
  model: string,
): void {
  const bad = values?.find((v) => v >= count);
  if (bad !== undefined) {
    const code = field === 'layers' ? 'layer_out_of_range' : 'head_out_of_range';
    throw new RequestError(code, `${field}: ${bad} is out of range; ${model} has ${field} 0..${count - 1}`);
  }
}

/** The text's token count (special tokens included), refused over `limit`. */
export function checkTokens(tokenizer: TextTokenizer, text: string, limit: number, field: string): number {
  const n = tokenizer.encode(text).ids.length;
  if (n > limit) {
    throw new RequestError(
      'too_many_tokens',
      `${field}: ${n} tokens, over the limit of ${limit} for this request`,
    );
  }
  return n;
}

/**
 * Gold alignment links `[output row, input token]` within this request's decoder rows and input
 * tokens: a link past them can never be predicted and would only inflate the AER.
 */
export function checkAlignment(gold: [number, number][] | undefined, rows: number, n: number): void {
  const bad = gold?.findIndex(([t, s]) => t >= rows || s >= n) ?? -1;
  if (bad >= 0 && gold) {
    throw new RequestError(
      'alignment_out_of_range',
      `gold_alignment.${bad}: [${gold[bad].join(', ')}] is out of range; this request has output rows ` +
        `0..${rows - 1} and input tokens 0..${n - 1}`,
    );
  }
}

/** Flow's own, lower limit, refused under its own code so that a caller can tell which option to drop. */
export function checkFlow(analyses: readonly string[] | undefined, tokens: number): void {
  if (analyses?.includes('flow') && tokens > FLOW_MAX_TOKENS)
    throw new RequestError('flow_too_large', `analyses: ${flowLimitMessage(tokens)}`);
}

/**
 * Decoder rows of an encoder-decoder request: one per decoding step, the start token and the
 * target's tokens, or at most the generated tokens (generation may stop sooner).
 */
export function decoderRows(req: AttentionRequest, targetTokens: number | undefined): number {
  return (targetTokens ?? req.generate?.max_new_tokens ?? DEFAULT_NEW_TOKENS) + 1;
}

/** An attention request's checks; its input tokens and decoder rows (for the response's size). */
export function attentionPreconditions(
  meta: ModelMeta,
  tokenizer: TextTokenizer,
  req: AttentionRequest,
): { tokens: number; rows: number } {
  const { layers, heads, encoderLayers, encoderHeads } = meta.shape;
  inRange(req.layers, Math.max(layers, encoderLayers ?? 0), 'layers', req.model);
  inRange(req.heads, Math.min(heads, encoderHeads ?? heads), 'heads', req.model);
  encoderDecoderOnly(meta, {
    target_text: req.target_text,
    generate: req.generate,
    gold_alignment: req.gold_alignment,
  });
  if (req.target_text !== undefined && req.generate) {
    throw new RequestError('invalid_request', 'give either target_text or generate, not both');
  }
  const limit = maxTokens(meta);
  const tokens = checkTokens(tokenizer, req.text, limit, 'text');
  checkFlow(req.analyses, tokens);
  metricPreconditions(meta, req, 'attention');
  let target: number | undefined;
  if (req.target_text !== undefined) {
    checkTokens(tokenizer, req.target_text, limit - 1, 'target_text');
    target = tokenizer.encode(req.target_text, false).ids.length;
  }
  const rows = decoderRows(req, target);
  checkAlignment(req.gold_alignment, rows, tokens);
  return { tokens, rows };
}

/**
 * The reliability metrics' checks: their sizes only with the metric they size, and the metrics that
 * read self-attention as a differentiable program (attention maps on an attention request, agreement
 * anywhere) only on encoder and decoder models. Sizes are bounded by the schema (limits.max_perturbations, limits.max_metric_samples).
 */
export function metricPreconditions(
  meta: ModelMeta,
  req: { metrics?: readonly string[]; perturbations?: number; metric_samples?: number },
  route: 'saliency' | 'attention',
): void {
  const asked = new Set(req.metrics ?? []);
  if (req.perturbations !== undefined && !asked.has('stability'))
    throw new RequestError(
      'invalid_request',
      'perturbations applies to the stability metric: add "stability" to metrics',
    );
  if (req.metric_samples !== undefined && !asked.has('significance'))
    throw new RequestError(
      'invalid_request',
      'metric_samples applies to the significance metric: add "significance" to metrics',
    );
  if (meta.shape.family !== 'encoder-decoder') return;
  const needSelf = route === 'attention' ? ['significance', 'sanity', 'agreement'] : ['agreement'];
  const refused = needSelf.filter((m) => asked.has(m));
  if (refused.length)
    throw new RequestError(
      'method_not_supported',
      `metrics: ${refused.join(', ')} ${route === 'attention' ? 'read' : 'reads'} self-attention as a differentiable program, implemented for encoder and decoder models; ${meta.id} is an encoder-decoder model`,
    );
}

/** A saliency request's checks; the tokens its passes run over (an encoder-decoder's output too). */
export function saliencyPreconditions(
  meta: ModelMeta,
  tokenizer: TextTokenizer,
  req: SaliencyRequest,
): number {
  encoderDecoderOnly(meta, { target_text: req.target_text });
  metricPreconditions(meta, req, 'saliency');
  const limit = Math.min(maxTokens(meta), LIMITS.max_saliency_tokens);
  const n = checkTokens(tokenizer, req.text, limit, 'text');
  if (meta.shape.family !== 'encoder-decoder') return n;
  // the decoder runs over the target, or a greedy decoding of the default length
  return (
    n +
    (req.target_text !== undefined
      ? checkTokens(tokenizer, req.target_text, limit - 1, 'target_text')
      : DEFAULT_NEW_TOKENS + 1)
  );
}

/** A probe request's checks: caller examples, or a built-in task, not both. */
export function probePreconditions(req: ProbeRequest): void {
  if (req.examples && (req.task || req.layers)) {
    throw new RequestError(
      'invalid_request',
      'give either examples (with layer) or a built-in task (with layers)',
    );
  }
  if (!req.examples && req.layer !== undefined) {
    throw new RequestError('invalid_request', 'layer goes with examples; the built-in task takes layers');
  }
}
