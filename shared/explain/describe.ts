/** The parts of an explanation document every analysis shares: the model and what it predicted. */

import type { ForwardResult } from '../runtime/forward.js';
import type { LoadedModel } from '../runtime/model.js';
import type { ExplanationDocument } from '../schema/document.js';

export function describeModel(model: LoadedModel): ExplanationDocument['model'] {
  const { family, layers, heads, encoderLayers } = model.shape;
  return {
    id: model.id,
    family,
    layers,
    heads,
    ...(encoderLayers ? { encoder_layers: encoderLayers } : {}),
    precision: model.precision,
  };
}

export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

const TOP_K = 5;

export function describeOutput(model: LoadedModel, r: ForwardResult): ExplanationDocument['output'] {
  const data = r.logits.data as Float32Array;
  const last = r.logits.dims[r.logits.dims.length - 1];
  const probs = softmax(data.subarray(data.length - last));
  if (model.shape.family === 'encoder') {
    const labels = model.shape.labels ?? probs.map((_, i) => `LABEL_${i}`);
    const best = probs.indexOf(Math.max(...probs));
    return { label: labels[best], scores: Object.fromEntries(labels.map((l, i) => [l, probs[i]])) };
  }
  // Language models: the most likely next tokens after the last position.
  const top = probs
    .map((p, id) => [p, id] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, TOP_K);
  const scores = Object.fromEntries(top.map(([p, id]) => [model.tokenizer.decode([id]) || `<${id}>`, p]));
  const next = model.tokenizer.decode([top[0][1]]);
  if (r.target) return { text: r.target.text, tokens: r.target.tokens, label: next, scores };
  return { label: next, scores };
}
