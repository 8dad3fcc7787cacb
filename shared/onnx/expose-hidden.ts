/**
 * Exposes the hidden states of every layer — the residual stream after the embeddings and after each
 * block, what Hugging Face returns for `output_hidden_states` — as graph outputs `hidden_states.{i}`,
 * i = 0 (embeddings) … L (the last block, with the final LayerNorm when the model has one, as HF does
 * for GPT-2's `ln_f`). Probes read them.
 *
 * The rule is structural, so it holds for pre-LN (GPT-2) and post-LN (BERT, Marian) blocks alike and
 * for float and int8 graphs:
 *
 * 1. A *residual Add* is an Add(skip, branch) where `branch` is computed from `skip` through at least
 *    one matrix product (MatMul, Gemm, MatMulInteger, …). That excludes mask and bias Adds (one side
 *    does not depend on the other) and GELU's inner x + 0.044715·x³ (no product on the way).
 * 2. Block i starts at the skip of the residual Add that wraps self-attention i: the one whose branch
 *    is computed from that layer's attention Softmax and whose skip is not. So `hidden_states.i` for
 *    i < L is the input of block i: the embedding output for i = 0 (BERT's embedding LayerNorm, GPT-2's
 *    wte + wpe, Marian's scaled embeddings + positions) and the previous block's output otherwise.
 * 3. `hidden_states.L` is where the residual stream ends: walking from block 0's input, each residual
 *    Add's output (or a normalisation of it that is the next residual's skip, as in post-LN blocks)
 *    feeds the next residual Add, until none does; if that tensor's only consumer is a single
 *    normalisation op (post-LN's last LayerNorm, or GPT-2's `ln_f`), its output is taken. A
 *    LayerNorm decomposed into ReduceMean/Sub/Pow… is not followed at the very end (its input is taken).
 *
 * The walk must pass every block start in order; a graph where it does not (parallel branches,
 * fused kernels) is refused with `HiddenNotExposableError` rather than guessed.
 */
import { isBatchSeparable } from './batch-coupling.js';
import { node } from './builder.js';
import { type AttentionOutput, type AttentionStack, exposeAttentionInPlace } from './expose-attention.js';
import { GraphIndex } from './graph-index.js';
import { DataType, decodeModel, encodeModel, type ModelProto, type NodeProto, onnx } from './proto.js';

export interface HiddenOutput {
  /** graph output name, `hidden_states.{layer}` */
  output: string;
  /** 0 = embeddings, L = the last block's output */
  layer: number;
  stack: AttentionStack;
  /** the tensor of the original graph it copies */
  tensor: string;
}

export class HiddenNotExposableError extends Error {
  readonly code = 'hidden_states_not_exposable';
}

export const HIDDEN_PREFIX = 'hidden_states';

/** Ops that multiply by a weight (or another operand): a residual branch goes through at least one. */
const PRODUCT_OPS = new Set([
  'MatMul',
  'Gemm',
  'MatMulInteger',
  'QLinearMatMul',
  'FusedMatMul',
  'DynamicQuantizeMatMul',
  'MatMulIntegerToFloat',
  'MatMulNBits',
  'Conv',
]);

/** Normalisations that end a stream: post-LN's LayerNorm, a final ln_f / norm. */
const NORM_OPS = new Set(['LayerNormalization', 'SimplifiedLayerNormalization', 'RMSNormalization']);

interface Residual {
  add: NodeProto;
  skip: string;
  branch: string;
  output: string;
  order: number;
}

/**
 * Whether `tensor` is computed from `source`, and through what: `product` when some path passes a
 * PRODUCT_OPS node, `plain` when a path exists but none does, undefined when there is no path.
 */
function dependency(idx: GraphIndex, tensor: string, source: string): 'product' | 'plain' | undefined {
  // Depth-first over (tensor, passed-a-product) states; the graph is a DAG, so each state once.
  const seen = new Set<string>();
  const stack: [string, boolean][] = [[tensor, false]];
  let found: 'plain' | undefined;
  while (stack.length) {
    const [t, passed] = stack.pop()!;
    if (t === source) {
      if (passed) return 'product';
      found = 'plain';
      continue;
    }
    const key = `${passed ? 1 : 0}${t}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p = idx.producer.get(t);
    if (!p) continue;
    const through = passed || PRODUCT_OPS.has(p.opType!);
    for (const i of p.input ?? []) if (i && !idx.initializers.has(i)) stack.push([i, through]);
  }
  return found;
}

function residualAdds(idx: GraphIndex, nodes: NodeProto[]): Residual[] {
  const found: Residual[] = [];
  nodes.forEach((n, order) => {
    if (n.opType !== 'Add' || (n.domain ?? '') !== '') return;
    const [a, b] = n.input ?? [];
    if (!a || !b || idx.isConstant(a) || idx.isConstant(b)) return;
    for (const [skip, branch] of [
      [a, b],
      [b, a],
    ]) {
      if (dependency(idx, branch, skip) === 'product') {
        found.push({ add: n, skip, branch, output: n.output![0], order });
        return;
      }
    }
  });
  return found;
}

/** The tensors of the residual stream at each block boundary, embeddings first. */
function streamTensors(idx: GraphIndex, nodes: NodeProto[], selfSoftmax: NodeProto[]): string[] {
  const residuals = residualAdds(idx, nodes);
  if (residuals.length === 0)
    throw new HiddenNotExposableError('no residual Add (x + f(x) through a matrix product) in this graph');
  const blockStarts = selfSoftmax.map((sm, layer) => {
    const probs = sm.output![0];
    const wrap = residuals.find(
      (r) => dependency(idx, r.branch, probs) !== undefined && dependency(idx, r.skip, probs) === undefined,
    );
    if (!wrap)
      throw new HiddenNotExposableError(
        `no residual Add wraps the self-attention of layer ${layer} ("${sm.name}")`,
      );
    return wrap.skip;
  });
  // Walk the stream from block 0's input: each step is the next residual Add whose skip is the
  // current tensor or a normalisation of it (post-LN), i.e. computed from it without a product.
  const visited: string[] = [];
  let t = blockStarts[0];
  for (let guard = 0; guard <= residuals.length; guard++) {
    visited.push(t);
    const cur = t;
    const next = residuals.find((r) => r.skip === cur || dependency(idx, r.skip, cur) === 'plain');
    if (!next) break;
    if (next.skip !== cur) visited.push(next.skip);
    t = next.output;
  }
  const consumers = idx.consumers.get(t) ?? [];
  if (consumers.length === 1 && NORM_OPS.has(consumers[0].opType!)) t = consumers[0].output![0];
  let at = 0;
  for (const [layer, start] of blockStarts.entries()) {
    const pos = visited.indexOf(start, at);
    if (pos < 0)
      throw new HiddenNotExposableError(
        `the residual stream does not pass through the input of block ${layer}; blocks are not sequential`,
      );
    at = pos;
  }
  if (blockStarts.includes(t))
    throw new HiddenNotExposableError('the residual stream ends before the last block');
  return [...blockStarts, t];
}

export interface ExposeHiddenOptions {
  stack: AttentionStack;
  /** the attention this graph exposes (from exposeAttentionInPlace); found here when not given */
  attention?: AttentionOutput[];
}

/** Adds `hidden_states.{0…L}` outputs to a decoded model (mutates `model`). */
export function exposeHiddenInPlace(model: ModelProto, opts: ExposeHiddenOptions): HiddenOutput[] {
  const graph = model.graph!;
  // Locate the attention Softmaxes on a shallow copy so that a caller who only wants hidden states
  // does not get attention outputs too.
  const attention =
    opts.attention ??
    exposeAttentionInPlace(
      onnx.ModelProto.create({ graph: { ...graph, node: [...(graph.node ?? [])], output: [] } }),
      {
        stack: opts.stack,
      },
    );
  const byName = new Map((graph.node ?? []).map((n) => [n.name ?? '', n]));
  const selfSoftmax = attention
    .filter((a) => a.kind === 'self')
    .sort((a, b) => a.layer - b.layer)
    .map((a) => byName.get(a.node))
    .filter((n): n is NodeProto => n !== undefined);
  if (selfSoftmax.length === 0) throw new HiddenNotExposableError('no self-attention found in this graph');
  const nodes = [...(graph.node ?? [])];
  const idx = new GraphIndex(graph);
  const tensors = streamTensors(idx, nodes, selfSoftmax);
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  return tensors.map((tensor, layer) => {
    const output = `${HIDDEN_PREFIX}.${layer}`;
    if (!existing.has(output)) {
      graph.node!.push(node('Identity', [tensor], [output], {}, `${output}/expose`));
      graph.output!.push({ name: output, type: { tensorType: { elemType: DataType.FLOAT } } });
    }
    return { output, layer, stack: opts.stack, tensor };
  });
}

/** Bytes in, bytes out: the model with hidden states exposed (and nothing else added). */
export function exposeHidden(
  bytes: Uint8Array,
  opts: ExposeHiddenOptions,
): { bytes: Uint8Array; hidden: HiddenOutput[] } {
  const model = decodeModel(bytes);
  const hidden = exposeHiddenInPlace(model, opts);
  return { bytes: encodeModel(model), hidden };
}

/**
 * What the loader calls instead of `exposeAttention`: one decode, attention and hidden states both
 * exposed, one encode. A graph whose hidden states cannot be found still gets its attention
 * (`hidden` is then empty and `hiddenError` says why), so attention views keep working.
 */
export function exposeAttentionAndHidden(
  bytes: Uint8Array,
  opts: { stack: AttentionStack },
): {
  bytes: Uint8Array;
  attention: AttentionOutput[];
  hidden: HiddenOutput[];
  hiddenError?: string;
  /** whether examples of a batch stay apart (../onnx/batch-coupling.ts); checked here, where the graph is decoded */
  batchSeparable: boolean;
} {
  const model = decodeModel(bytes);
  const batchSeparable = isBatchSeparable(model);
  const attention = exposeAttentionInPlace(model, opts);
  let hidden: HiddenOutput[] = [];
  let hiddenError: string | undefined;
  try {
    hidden = exposeHiddenInPlace(model, { stack: opts.stack, attention });
  } catch (e) {
    if (!(e instanceof HiddenNotExposableError)) throw e;
    hiddenError = e.message;
  }
  return {
    bytes: encodeModel(model),
    attention,
    hidden,
    batchSeparable,
    ...(hiddenError ? { hiddenError } : {}),
  };
}
