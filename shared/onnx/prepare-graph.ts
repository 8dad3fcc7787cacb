/**
 * What a host does to a model's graph before opening it: rewrite fused contrib operators into
 * primitive ops (./unfuse, only when the graph has any), then expose attention and hidden states.
 * A graph whose attention stays hidden (a fused operator that cannot be rewritten) is still opened,
 * without attention outputs, so that forward-only work (occlusion, targets) runs; `attentionError`
 * says which operator blocks attention and why it was not rewritten.
 */
import { isBatchSeparable } from './batch-coupling.js';
import { AttentionNotExposableError, type AttentionOutput, type AttentionStack } from './expose-attention.js';
import { exposeAttentionAndHidden, type HiddenOutput } from './expose-hidden.js';
import { decodeModel, encodeModel } from './proto.js';
import { fusedOps, type UnfuseReport, unfuseInPlace } from './unfuse/index.js';

export interface PreparedGraph {
  bytes: Uint8Array;
  attention: AttentionOutput[];
  hidden: HiddenOutput[];
  batchSeparable: boolean;
  /** why `attention` is empty; attention requests are refused with it (`attention_not_exposable`) */
  attentionError?: string;
  /** present when the graph had fused operators */
  unfused?: UnfuseReport;
}

export function prepareGraph(input: Uint8Array, opts: { stack: AttentionStack }): PreparedGraph {
  let bytes = input;
  let unfused: UnfuseReport | undefined;
  const model = decodeModel(input);
  if (fusedOps(model).length > 0) {
    unfused = unfuseInPlace(model);
    bytes = encodeModel(model);
  }
  try {
    return { ...exposeAttentionAndHidden(bytes, opts), ...(unfused ? { unfused } : {}) };
  } catch (e) {
    if (!(e instanceof AttentionNotExposableError)) throw e;
    const why = (unfused?.refused ?? []).map((r) => r.message);
    return {
      bytes,
      attention: [],
      hidden: [],
      batchSeparable: isBatchSeparable(model),
      attentionError: [e.message, ...why].join('; '),
      ...(unfused ? { unfused } : {}),
    };
  }
}

/** Refuses attention work on a graph whose attention could not be exposed. */
export function requireAttention(graphs: Record<string, { attentionError?: string } | undefined>): void {
  for (const g of Object.values(graphs))
    if (g?.attentionError) throw new AttentionNotExposableError(g.attentionError);
}
