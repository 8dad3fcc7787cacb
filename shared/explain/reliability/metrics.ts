/**
 * The reliability metrics a request asks for (`metrics: [...]`), run beside a saliency or an
 * attention explanation, each over the explanation's own map. Non-finite figures (a correlation over
 * fewer than two shared tokens) become null, as they would in JSON.
 */
import { argmaxLast, type ForwardOptions, type ForwardResult, forward } from '../../runtime/forward.js';
import type { LoadedModel } from '../../runtime/model.js';
import type { Encoded } from '../../runtime/tokenizer.js';
import { DEFAULT_METRIC_SAMPLES, DEFAULT_PERTURBATIONS, type MetricName } from '../../schema/defaults.js';
import { matrix } from '../attention/matrix.js';
import { attentionRollout } from '../attention/rollout.js';
import type { SaliencyContext } from '../saliency/context.js';
import { saliencyMethod } from '../saliency/index.js';
import type { AttributionInput, SaliencyMethod } from '../saliency/types.js';
import type { TargetSpec } from '../targets.js';
import { agreement } from './agreement.js';
import { attentionMaps } from './attention-maps.js';
import { perturbations } from './perturbations.js';
import { sanity } from './sanity.js';
import { significance } from './significance.js';
import {
  attentionStability,
  type HeadMatrices,
  keptPerturbations,
  mapStability,
  type PerturbedInput,
} from './stability.js';

export interface MetricRequest {
  metrics?: MetricName[];
  perturbations?: number;
  metric_samples?: number;
}

const SEED = 0;
/** Gradient methods attention is compared with on an attention request (the cheap ones). */
const AGREEMENT_METHODS = ['gradient', 'gradient_x_input'] as const;

/** Replaces NaN and ±Infinity by null, deep: the document as JSON would carry it. */
export function jsonSafe<T>(v: T): T {
  if (typeof v === 'number') return (Number.isFinite(v) ? v : null) as T;
  if (Array.isArray(v)) return v.map(jsonSafe) as T;
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)])) as T;
  return v;
}

/** What "the same prediction" means: the predicted class, next token, or generated output. */
function predictionKey(model: LoadedModel, r: ForwardResult): string {
  if (model.shape.family === 'encoder-decoder') return `${r.target?.text}\u0000${argmaxLast(r.logits)}`;
  return String(argmaxLast(r.logits));
}

/** The target on a perturbed input: a language model's predicting position moves with its length. */
function retarget(model: LoadedModel, spec: TargetSpec, ids: number[]): TargetSpec {
  return model.shape.family === 'decoder' ? { ...spec, positions: [ids.length - 1] } : spec;
}

/** The K perturbations that keep the prediction, and each one's forward result. */
async function perturbedInputs(
  model: LoadedModel,
  ctx: SaliencyContext,
  text: string,
  input: Encoded,
  original: ForwardResult,
  fwd: ForwardOptions,
  count: number,
): Promise<{ inputs: PerturbedInput[]; results: Map<string, ForwardResult> }> {
  const special = new Set(input.ids.filter((_, i) => input.tokens[i].special));
  const candidates = perturbations(text, model.tokenizer, ctx.embedding, special, count * 3, SEED);
  const key = predictionKey(model, original);
  const results = new Map<string, ForwardResult>();
  const inputs = await keptPerturbations(
    candidates,
    (t) => model.tokenizer.encode(t),
    input.ids,
    async (p) => {
      const r = await forward(model, { ids: p.ids, tokens: p.tokens }, fwd);
      results.set(p.perturbation.text, r);
      return predictionKey(model, r) === key;
    },
    count,
  );
  return { inputs, results };
}

export interface SaliencyMetricInput {
  model: LoadedModel;
  ctx: SaliencyContext;
  text: string;
  input: Encoded;
  result: ForwardResult;
  forwardOptions: ForwardOptions;
  method: string;
  params: Record<string, unknown>;
  attributed: AttributionInput;
  spec: TargetSpec;
  scores: number[];
}

/** The requested metrics of one saliency map. */
export async function saliencyMetrics(
  m: SaliencyMetricInput,
  req: MetricRequest,
): Promise<Record<string, unknown>> {
  const asked = new Set(req.metrics ?? []);
  const method: SaliencyMethod = saliencyMethod(m.method);
  const special = m.input.tokens.map((t) => t.special);
  const mapOn = async (ctx: SaliencyContext, ids: number[], spec = m.spec) =>
    (await method.attribute(ctx, { ids, decoderIds: m.attributed.decoderIds }, spec, m.params)).scores;
  const out: Record<string, unknown> = {};
  if (asked.has('stability')) {
    const k = req.perturbations ?? DEFAULT_PERTURBATIONS;
    const { inputs } = await perturbedInputs(m.model, m.ctx, m.text, m.input, m.result, m.forwardOptions, k);
    out.stability = await mapStability(
      m.input.tokens,
      m.scores,
      inputs,
      (p) => mapOn(m.ctx, p.ids, retarget(m.model, m.spec, p.ids)),
      k,
    );
  }
  if (asked.has('significance')) {
    const s = req.metric_samples ?? DEFAULT_METRIC_SAMPLES;
    out.significance = {
      [m.method]: await significance(
        m.attributed.ids,
        special,
        m.scores,
        m.ctx.embedding.vocab,
        (ids) => mapOn(m.ctx, ids),
        s,
        SEED,
      ),
    };
  }
  if (asked.has('sanity')) {
    out.sanity = await sanity(
      m.ctx,
      { [m.method]: m.scores },
      async (ctx) => ({ [m.method]: await mapOn(ctx, m.attributed.ids) }),
      SEED,
    );
  }
  if (asked.has('agreement')) {
    const attention = await attentionMaps(m.ctx, m.attributed.ids, m.spec);
    out.agreement = agreement(attention, { [m.method]: m.scores }, special);
  }
  return jsonSafe(out);
}

/** Square self-attention of the input's stack, per layer, as the forward pass returned it. */
function inputSelfAttention(model: LoadedModel, r: ForwardResult): HeadMatrices[] {
  const stack = model.shape.family === 'decoder' ? 'decoder' : 'encoder';
  return r.attention
    .filter((a) => a.info.kind === 'self' && a.info.stack === stack)
    .sort((a, b) => a.info.layer - b.info.layer)
    .map((a) => {
      const [, heads, n] = a.tensor.dims;
      return { stack, layer: a.info.layer, heads, n, data: a.tensor.data as Float32Array };
    });
}

function rolloutOf(layers: HeadMatrices[]): (i: number, j: number) => number {
  const means = layers.map((l) => {
    const m = matrix(l.n, l.n);
    for (let h = 0; h < l.heads; h++)
      for (let i = 0; i < l.n * l.n; i++) m.data[i] += l.data[h * l.n * l.n + i] / l.heads;
    return m;
  });
  const r = attentionRollout(means).at(-1)!;
  return (i, j) => r.data[i * r.cols + j];
}

export interface AttentionMetricInput {
  model: LoadedModel;
  /** a saliency context, for the metrics that need the model as a differentiable program */
  ctx: () => Promise<SaliencyContext>;
  text: string;
  input: Encoded;
  result: ForwardResult;
  forwardOptions: ForwardOptions;
  /** what the prediction's attention is read for: the predicted class or next token */
  spec: TargetSpec;
}

/** The requested metrics of an attention explanation. */
export async function attentionMetrics(
  m: AttentionMetricInput,
  req: MetricRequest,
): Promise<Record<string, unknown>> {
  const asked = new Set(req.metrics ?? []);
  const special = m.input.tokens.map((t) => t.special);
  const ids = m.input.ids;
  const out: Record<string, unknown> = {};
  if (asked.has('stability')) {
    const k = req.perturbations ?? DEFAULT_PERTURBATIONS;
    const ctx = await m.ctx();
    const { inputs, results } = await perturbedInputs(
      m.model,
      ctx,
      m.text,
      m.input,
      m.result,
      m.forwardOptions,
      k,
    );
    const original = inputSelfAttention(m.model, m.result);
    out.stability = await attentionStability(
      m.input.tokens,
      original,
      original.length ? rolloutOf(original) : undefined,
      inputs,
      async (p) => {
        const heads = inputSelfAttention(m.model, results.get(p.perturbation.text)!);
        return { heads, rollout: heads.length ? rolloutOf(heads) : undefined };
      },
      k,
    );
  }
  if (asked.has('significance') || asked.has('sanity') || asked.has('agreement')) {
    const ctx = await m.ctx();
    const maps = await attentionMaps(ctx, ids, m.spec);
    if (asked.has('significance')) {
      const s = req.metric_samples ?? DEFAULT_METRIC_SAMPLES;
      // one null for both maps: each random input's attention gives both
      const nulls = new Map<string, Awaited<ReturnType<typeof attentionMaps>>>();
      const nullOf = async (r: number[]) => {
        const key = r.join(',');
        if (!nulls.has(key)) nulls.set(key, await attentionMaps(ctx, r, m.spec));
        return nulls.get(key)!;
      };
      out.significance = {
        last_layer_mean: await significance(
          ids,
          special,
          maps.last_layer_mean,
          ctx.embedding.vocab,
          async (r) => (await nullOf(r)).last_layer_mean,
          s,
          SEED,
        ),
        rollout: await significance(
          ids,
          special,
          maps.rollout,
          ctx.embedding.vocab,
          async (r) => (await nullOf(r)).rollout,
          s,
          SEED,
        ),
      };
    }
    if (asked.has('sanity')) out.sanity = await sanity(ctx, maps, (c) => attentionMaps(c, ids, m.spec), SEED);
    if (asked.has('agreement')) {
      const gradients: Record<string, number[]> = {};
      for (const name of AGREEMENT_METHODS)
        gradients[name] = (await saliencyMethod(name).attribute(ctx, { ids }, m.spec)).scores;
      out.agreement = agreement(maps, gradients, special);
    }
  }
  return jsonSafe(out);
}
