/**
 * Exposes attention probabilities as graph outputs. In every exported Transformer we serve, each
 * attention block computes Softmax(Q·Kᵀ/√d + mask) over the key positions; we find those Softmax
 * nodes, classify them (self or cross attention, encoder or decoder stack, layer) and add their
 * outputs to the graph under the names Hugging Face uses for `output_attentions`.
 */
import { node } from './builder.js';
import { GraphIndex } from './graph-index.js';
import { DataType, decodeModel, encodeModel, type ModelProto, type NodeProto } from './proto.js';

export type AttentionKind = 'self' | 'cross';
export type AttentionStack = 'encoder' | 'decoder';

export interface AttentionOutput {
  /** graph output name, e.g. `encoder_attentions.0` */
  output: string;
  kind: AttentionKind;
  stack: AttentionStack;
  layer: number;
  /** the Softmax node it was read from */
  node: string;
}

/** Fused operators inside which the attention probabilities never exist as a tensor. */
const FUSED_ATTENTION = [
  'Attention',
  'MultiHeadAttention',
  'GroupQueryAttention',
  'PackedAttention',
  'PackedMultiHeadAttention',
  'DecoderMaskedMultiHeadAttention',
  'DecoderMaskedSelfAttention',
  'SparseAttention',
  'LongformerAttention',
  'QAttention',
];

export class AttentionNotExposableError extends Error {
  readonly code = 'attention_not_exposable';
}

/** Ops allowed between Q·Kᵀ and the Softmax: scaling, masking, bias, type casts. */
const SCORE_PATH = ['Add', 'Div', 'Mul', 'Where', 'Cast', 'Sub', 'Reshape', 'Max', 'Min'];
/** Ops allowed between the Softmax and its ·V MatMul (dropout is an Identity at export time). */
const PROBS_PATH = ['Cast', 'Identity', 'Dropout', 'Reshape'];

const OUTPUT_PREFIX: Record<string, string> = {
  'encoder.self': 'encoder_attentions',
  'decoder.self': 'decoder_attentions',
  'decoder.cross': 'cross_attentions',
  'encoder.cross': 'encoder_cross_attentions',
};

/** Graph inputs through which a decoder sees the encoder (optimum's names). */
const ENCODER_SOURCE = /encoder_hidden_states|\.encoder\.(key|value)$/;

function isAttentionSoftmax(idx: GraphIndex, sm: NodeProto): NodeProto | undefined {
  const out = sm.output![0];
  // The probabilities must weight the values: Softmax → (Cast/Identity…) → MatMul as first operand.
  let consumers = idx.consumers.get(out) ?? [];
  for (let hop = 0; hop < 3 && consumers.length === 1 && PROBS_PATH.includes(consumers[0].opType!); hop++) {
    consumers = idx.consumers.get(consumers[0].output![0]) ?? [];
  }
  if (!consumers.some((c) => c.opType === 'MatMul')) return undefined;
  // …and come from Q·Kᵀ: a MatMul of two computed operands.
  const dynamicMatMul = (n: NodeProto) =>
    n.opType === 'MatMul' && (n.input ?? []).length === 2 && n.input!.every((i) => !idx.isConstant(i));
  return idx.findUp(sm.input![0], dynamicMatMul, SCORE_PATH);
}

export interface ExposeOptions {
  /** which stack this graph is: an encoder-only model or `encoder_model.onnx` → encoder. */
  stack: AttentionStack;
}

/** Finds the attention Softmax nodes of a decoded model and adds them as outputs (mutates `model`). */
export function exposeAttentionInPlace(model: ModelProto, { stack }: ExposeOptions): AttentionOutput[] {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const fused = nodes.find((n) => FUSED_ATTENTION.includes(n.opType!) && (n.domain ?? '') !== '');
  if (fused) {
    throw new AttentionNotExposableError(
      `this model fuses attention into one ${fused.domain}.${fused.opType} operator (node "${fused.name}"), so the ` +
        'attention probabilities are never computed as a tensor; export it without attention fusion ' +
        '(e.g. optimum without --optimize, or onnxruntime graph optimisation level "basic")',
    );
  }
  const idx = new GraphIndex(graph);
  const found: AttentionOutput[] = [];
  const perKind = new Map<string, number>();
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  for (const sm of nodes) {
    if (sm.opType !== 'Softmax' || (sm.domain ?? '') !== '') continue;
    const qk = isAttentionSoftmax(idx, sm);
    if (!qk) continue;
    // Cross-attention keys are computed from the encoder's output alone; self-attention keys from the
    // stack's own tokens (which, past the first decoder layer, have also seen the encoder).
    const keySources = [...idx.sourceInputs(qk.input![1])];
    const kind: AttentionKind =
      keySources.length > 0 && keySources.every((i) => ENCODER_SOURCE.test(i)) ? 'cross' : 'self';
    const key = `${stack}.${kind}`;
    const layer = perKind.get(key) ?? 0;
    perKind.set(key, layer + 1);
    const output = `${OUTPUT_PREFIX[key]}.${layer}`;
    if (!existing.has(output)) {
      graph.node!.push(node('Identity', [sm.output![0]], [output], {}, `${output}/expose`));
      graph.output!.push({ name: output, type: { tensorType: { elemType: DataType.FLOAT } } });
    }
    found.push({ output, kind, stack, layer, node: sm.name ?? '' });
  }
  if (found.length === 0) {
    throw new AttentionNotExposableError(
      'no attention Softmax (Softmax over Q·Kᵀ feeding a MatMul with V) was found in this graph',
    );
  }
  return found;
}

/** Bytes in, bytes out: the rewritten model and what it now outputs. */
export function exposeAttention(
  bytes: Uint8Array,
  opts: ExposeOptions,
): { bytes: Uint8Array; attention: AttentionOutput[] } {
  const model = decodeModel(bytes);
  const attention = exposeAttentionInPlace(model, opts);
  return { bytes: encodeModel(model), attention };
}
