/**
 * How much CPU one request will take, estimated from its shape before any model work, so that a
 * request that would run past the platform's CPU limit (`cpu_ms` in wrangler.toml) is refused up front
 * rather than killed halfway. Units: estimated milliseconds of CPU (one core of the machine the
 * constants were measured on, see README "Load"); `LIMITS.max_work` is the budget.
 *
 * Model passes cost tokens × layers × (12·hidden² + 2·tokens·hidden) multiply-adds (the projections
 * and MLP, and attention's two n×n products); a backward pass is about two forwards. Probe training
 * costs words × (train + dev) × parameters per epoch, bounded by the epoch cap, per layer, twice
 * (the task and its control). Each count has its own measured cost per multiply-add.
 */
import type { ModelShape } from '../runtime/model-config.js';
import { DEFAULT_METRIC_SAMPLES, DEFAULT_PERTURBATIONS } from './metrics.js';

/**
 * ns of workerd CPU per estimated multiply-add of a model pass (ORT's wasm kernels, int8 served
 * models): fitted on integrated gradients, SmoothGrad and occlusion on the six served models (0.11),
 * plus a third for the spread between runs (bench/work.ts).
 */
export const NS_PER_MODEL_MAC = 0.15;
/** The same for probe training (plain JS loops), against the epoch cap: early stopping ends most runs well before it. */
export const NS_PER_PROBE_MAC = 0.6;
/** Work per token and layer that does not grow with hidden size (kernel calls, norms, quantization), in multiply-adds. */
const PER_TOKEN_LAYER_MACS = 55_000;
/** Encoder-decoder passes cost more than their layers say (the chained gradient graph, rotary positions): measured 2.6× on brown-seq2seq. */
const ENCODER_DECODER_FACTOR = 3;

/** Forward passes that every saliency document adds: the prediction, and the faithfulness metrics (21). */
const FIXED_FORWARDS = 22;
/** Backward + forward ÷ forward (README Saliency: 2.2–2.7×). */
const GRADIENT_PASSES = 3;

/** Multiply-adds of one forward pass over `tokens` (decoder tokens of an encoder-decoder included). */
export function forwardMacs(shape: ModelShape, tokens: number): number {
  const layers = shape.layers + (shape.encoderLayers ?? 0);
  const h = shape.hidden;
  const family = shape.family === 'encoder-decoder' ? ENCODER_DECODER_FACTOR : 1;
  return family * layers * tokens * (12 * h * h + 2 * tokens * h + PER_TOKEN_LAYER_MACS);
}

/** The reliability metrics a request asks for (./metrics.ts), with their sizes. */
export interface MetricWork {
  metrics?: readonly string[];
  perturbations?: number;
  metric_samples?: number;
}

export interface SaliencyWork extends MetricWork {
  method: string;
  /** input tokens plus, for an encoder-decoder model, output tokens */
  tokens: number;
  steps?: number;
  samples?: number;
}

/** Forward-pass equivalents a saliency method takes, besides the fixed ones. */
export function saliencyPasses(w: SaliencyWork): number {
  switch (w.method) {
    case 'integrated_gradients':
      return GRADIENT_PASSES * (w.steps ?? 32) + 1;
    case 'smoothgrad':
      return GRADIENT_PASSES * (w.samples ?? 16);
    case 'occlusion':
      return w.tokens + 1;
    default:
      return GRADIENT_PASSES;
  }
}

/** Candidate perturbations tried per one kept (each a forward pass), at most: stability.ts's TRIES_PER_PERTURBATION. */
const PERTURBATION_TRIES = 3;
/** Building a randomized model's sessions (graph rewrite, gradient model, session), in forward passes: a rough allowance. */
const STAGE_BUILD_FORWARDS = 5;

/** Sanity's cascade: the head, then every layer (both stacks of an encoder-decoder). */
const sanityStages = (shape: ModelShape) => 1 + shape.layers + (shape.encoderLayers ?? 0);

/**
 * Forward-pass equivalents of the metrics, given what one map costs (`mapPasses`): stability remaps
 * each kept perturbation after trying candidates, significance maps each random input, sanity each
 * stage's model, agreement reads attention and its gradient (and, on an attention request, `extraMaps` gradient maps).
 */
export function metricPasses(shape: ModelShape, w: MetricWork, mapPasses: number, extraMaps = 0): number {
  const asked = new Set(w.metrics ?? []);
  let passes = 0;
  if (asked.has('stability'))
    passes += (w.perturbations ?? DEFAULT_PERTURBATIONS) * (PERTURBATION_TRIES + mapPasses);
  if (asked.has('significance')) passes += (w.metric_samples ?? DEFAULT_METRIC_SAMPLES) * mapPasses;
  if (asked.has('sanity')) passes += sanityStages(shape) * (mapPasses + STAGE_BUILD_FORWARDS);
  if (asked.has('agreement')) passes += GRADIENT_PASSES * (1 + extraMaps);
  return passes;
}

export function saliencyWork(shape: ModelShape, w: SaliencyWork): number {
  const passes = saliencyPasses(w) + FIXED_FORWARDS + metricPasses(shape, w, saliencyPasses(w));
  return (passes * forwardMacs(shape, w.tokens) * NS_PER_MODEL_MAC) / 1e6;
}

export interface ProbeWork {
  /** sentences (or examples) run through the model, and their tokens in all */
  sentences: number;
  tokens: number;
  /** labelled words the probes train and early-stop on (train + dev) */
  words: number;
  /** hidden-state layers probed */
  layers: number;
  classes: number;
  /** MLP hidden units, or undefined for the linear probe */
  mlpHidden?: number;
  maxEpochs: number;
}

export function probeWork(shape: ModelShape, w: ProbeWork): number {
  const dim = shape.hidden;
  const params = w.mlpHidden ? dim * w.mlpHidden + w.mlpHidden * w.classes : dim * w.classes;
  // forward + gradient of each word, every epoch, for the task probe and the control probe
  const training = 2 * w.layers * w.maxEpochs * w.words * params * 3;
  const perSentence = w.sentences > 0 ? w.tokens / w.sentences : 0;
  const features = w.sentences * forwardMacs(shape, perSentence);
  return (training * NS_PER_PROBE_MAC + features * NS_PER_MODEL_MAC) / 1e6;
}

/**
 * An attention request's metrics: its maps are read from one forward pass (stability) or from the
 * attention program, a forward and a backward (the others); agreement adds two gradient maps.
 */
export function attentionMetricWork(shape: ModelShape, tokens: number, w: MetricWork): number {
  const asked = new Set(w.metrics ?? []);
  const stability = asked.has('stability') ? metricPasses(shape, { ...w, metrics: ['stability'] }, 1) : 0;
  const rest = metricPasses(
    shape,
    { ...w, metrics: [...asked].filter((m) => m !== 'stability') },
    GRADIENT_PASSES,
    2,
  );
  return ((stability + rest) * forwardMacs(shape, tokens) * NS_PER_MODEL_MAC) / 1e6;
}
