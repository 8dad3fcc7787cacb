/**
 * The work budget (`LIMITS.max_work`) applied to requests, from what is known before any model work:
 * token counts, the method's parameters, the probe's sample and labels.
 */

import { builtInTask } from '../shared/explain/probe/document.js';
import type { BrownPosData } from '../shared/explain/probe/index.js';
import { TRAIN_DEFAULTS } from '../shared/explain/probe/run.js';
import type { ModelMeta } from '../shared/runtime/model.js';
import { LIMITS } from '../shared/schema/limits.js';
import type { ProbeRequest } from '../shared/schema/requests.js';
import { attentionMetricWork, type MetricWork, probeWork, saliencyWork } from '../shared/schema/work.js';
import { ApiError } from './errors.js';

const MLP_HIDDEN = 64;

export function checkWork(work: number, reduce: string): void {
  if (work > LIMITS.max_work) {
    throw new ApiError(
      'work_too_large',
      `this request would take about ${Math.round(work)} ms of CPU, over the budget of ${LIMITS.max_work} (limits.max_work); ${reduce}`,
    );
  }
}

export function checkSaliencyWork(
  meta: ModelMeta,
  req: { method: string; steps?: number; samples?: number } & MetricWork,
  tokens: number,
): void {
  const what =
    req.method === 'integrated_gradients'
      ? 'use fewer steps or a shorter text'
      : req.method === 'smoothgrad'
        ? 'use fewer samples or a shorter text'
        : 'use a shorter text';
  const metrics = req.metrics?.length
    ? ', or ask for fewer metrics (metrics, perturbations, metric_samples)'
    : '';
  checkWork(saliencyWork(meta.shape, { ...req, tokens }), what + metrics);
}

/** An attention request's metrics (the attention itself is bounded by `max_response_bytes`). */
export function checkAttentionWork(meta: ModelMeta, req: MetricWork, tokens: number): void {
  if (!req.metrics?.length) return;
  checkWork(
    attentionMetricWork(meta.shape, tokens, req),
    'ask for fewer metrics, perturbations or metric_samples, or a shorter text',
  );
}

/** Hidden-state layers a probe reads: the encoder's for an encoder-decoder model, plus the embeddings. */
const stateLayers = (meta: ModelMeta) => (meta.shape.encoderLayers ?? meta.shape.layers) + 1;

export function checkProbeWork(meta: ModelMeta, req: ProbeRequest, data?: BrownPosData): void {
  const kind = req.probe ?? 'linear';
  const common = {
    mlpHidden: kind === 'mlp' ? MLP_HIDDEN : undefined,
    maxEpochs: TRAIN_DEFAULTS[kind].maxEpochs,
  };
  if (req.examples) {
    const words = req.examples.reduce((s, e) => s + e.labels.length, 0);
    const work = probeWork(meta.shape, {
      ...common,
      sentences: req.examples.length,
      tokens: words + 2 * req.examples.length,
      words,
      layers: req.layer === undefined ? stateLayers(meta) : 1,
      classes: new Set(req.examples.flatMap((e) => e.labels)).size,
    });
    checkWork(work, 'send fewer examples, or probe one layer (layer)');
    return;
  }
  const task = builtInTask(data!, req.task);
  const count = (s: { words: string[] }[]) => s.reduce((n, x) => n + x.words.length, 0);
  const sentences = task.train.length + task.dev.length + task.test.length;
  const all = count(task.train) + count(task.dev) + count(task.test);
  const work = probeWork(meta.shape, {
    ...common,
    sentences,
    tokens: all + 2 * sentences,
    words: count(task.train) + count(task.dev),
    layers: new Set(req.layers ?? []).size || stateLayers(meta),
    classes: task.labels.length,
  });
  checkWork(work, 'probe fewer layers per request (layers)');
}
