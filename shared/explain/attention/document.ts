/**
 * Attention explanation: every layer and head of every attention kind the model has (encoder self,
 * decoder self, cross), per-head summaries, and on request rollout, flow and alignment scores.
 */
import { requireAttention } from '../../onnx/prepare-graph.js';
import { type ForwardResult, forward } from '../../runtime/forward.js';
import type { LoadedModel } from '../../runtime/model.js';
import type { ExplanationDocument } from '../../schema/document.js';
import { SCHEMA_ID } from '../../schema/id.js';
import type { AttentionRequest } from '../../schema/requests.js';
import { describeModel, describeOutput } from '../describe.js';
import { attentionMetrics } from '../reliability/metrics.js';
import type { SaliencyContext } from '../saliency/context.js';
import { resolveTarget } from '../saliency/target.js';
import { alignments, derivedEntries, headStats } from './derived.js';
import { attentionEntry } from './entry.js';

export type AttentionOptions = Partial<Omit<AttentionRequest, 'model' | 'text'>>;

export async function explainAttention(
  model: LoadedModel,
  text: string,
  opts: AttentionOptions = {},
  /** the model as a differentiable program, for the metrics that need one (significance, sanity, agreement) */
  ctx?: () => Promise<SaliencyContext>,
): Promise<ExplanationDocument> {
  requireAttention(model.graphs);
  const input = model.tokenizer.encode(text);
  const result: ForwardResult = await forward(model, input, opts);
  const encoding = opts.encoding ?? 'f32';
  const inLayers = (layer: number) => !opts.layers || opts.layers.includes(layer);
  const raw = result.attention
    .filter((a) => inLayers(a.info.layer))
    .map((a) => attentionEntry(a, { heads: opts.heads, aggregate: opts.aggregate ?? 'none', encoding }));
  const derived = (opts.analyses ?? []).flatMap((analysis) =>
    derivedEntries(result.attention, analysis, encoding).filter((e) => inLayers(e.layer)),
  );
  let metrics: Record<string, unknown> | undefined;
  if (opts.metrics?.length) {
    if (!ctx)
      throw new Error('attention metrics need the model as a differentiable program (a saliency context)');
    const { tokens, positions, foils, score } = resolveTarget(model, result);
    metrics = await attentionMetrics(
      { model, ctx, text, input, result, forwardOptions: opts, spec: { score, tokens, positions, foils } },
      opts,
    );
  }
  return {
    schema: SCHEMA_ID,
    model: describeModel(model),
    input: { text, tokens: input.tokens },
    output: describeOutput(model, result),
    attention: [...raw, ...derived],
    head_stats: headStats(result.attention),
    ...(result.target
      ? { alignment: alignments(result.attention, input.tokens, result.target.tokens, opts.gold_alignment) }
      : {}),
    ...(metrics ? { metrics } : {}),
  };
}
