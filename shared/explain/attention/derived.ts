/**
 * What the document derives from the raw attention tensors: per-head summaries, rollout and flow
 * per self-attention stack, and the alignment read from cross-attention.
 */
import type { AttentionTensor } from '../../runtime/forward.js';
import type { AttentionEntry, ExplanationDocument, Token } from '../../schema/document.js';
import { alignmentErrorRate, argmaxAlignment, type Link } from './alignment.js';
import { type Encoding, encodeMatrices } from './entry.js';
import { attentionFlow } from './flow.js';
import { aggregateHeads, summarizeHead } from './heads.js';
import { headsOf, type Matrix } from './matrix.js';
import { attentionRollout } from './rollout.js';

const heads = (t: AttentionTensor) => {
  const [, h, rows, cols] = t.tensor.dims;
  return headsOf(t.tensor.data as Float32Array, h, rows, cols);
};

const meanOf = (t: AttentionTensor): Matrix => aggregateHeads(heads(t), 'mean');

export function headStats(attention: AttentionTensor[]): NonNullable<ExplanationDocument['head_stats']> {
  return attention.flatMap((t) =>
    heads(t).map((m, head) => ({
      kind: t.info.kind,
      stack: t.info.stack,
      layer: t.info.layer,
      head,
      ...summarizeHead(m),
    })),
  );
}

export type Analysis = 'rollout' | 'flow';

/** Rollout or flow entries for each self-attention stack, one per layer. */
export function derivedEntries(
  attention: AttentionTensor[],
  analysis: Analysis,
  encoding: Encoding,
): AttentionEntry[] {
  const out: AttentionEntry[] = [];
  for (const stack of ['encoder', 'decoder'] as const) {
    const layers = attention
      .filter((t) => t.info.kind === 'self' && t.info.stack === stack)
      .sort((a, b) => a.info.layer - b.info.layer);
    if (layers.length === 0) continue;
    const per = (analysis === 'rollout' ? attentionRollout : attentionFlow)(layers.map(meanOf));
    out.push(
      ...per.map(
        (m, layer): AttentionEntry => ({
          kind: 'self',
          stack,
          layer,
          heads: 1,
          head_ids: Array.from({ length: layers[layer].tensor.dims[1] }, (_, i) => i),
          aggregate: 'mean',
          derived: analysis,
          rows: m.rows,
          cols: m.cols,
          encoding,
          data: encodeMatrices([m], encoding),
        }),
      ),
    );
  }
  return out;
}

/** Argmax alignment per cross-attention layer and for the mean over layers, special tokens left out. */
export function alignments(
  attention: AttentionTensor[],
  input: Token[],
  output: Token[],
  gold?: Link[],
): NonNullable<ExplanationDocument['alignment']> {
  const cross = attention.filter((t) => t.info.kind === 'cross').sort((a, b) => a.info.layer - b.info.layer);
  if (cross.length === 0) return [];
  const opts = {
    skipRows: output.flatMap((t, i) => (t.special ? [i] : [])),
    skipCols: input.flatMap((t, i) => (t.special ? [i] : [])),
  };
  const means = cross.map(meanOf);
  const layers: [number | 'mean', Matrix][] = [
    ...means.map((m, i) => [cross[i].info.layer, m] as [number, Matrix]),
  ];
  layers.push(['mean', aggregateHeads(means, 'mean')]);
  return layers.map(([layer, m]) => {
    const links = argmaxAlignment(m, opts);
    return { layer, links, ...(gold ? { aer: alignmentErrorRate(links, gold) } : {}) };
  });
}
