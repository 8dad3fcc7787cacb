/**
 * Targets (inseq's "step functions"): what a saliency method explains, as a small graph appended to
 * the model that reduces its logits to one number per example, output as `target` [batch].
 *
 *   score       logit | probability (softmax over the labels / vocabulary) | log_probability
 *   tokens      class ids (classifier) or output token ids (language models), summed over: one token
 *               is "the log-probability of token t at position p", several are a span
 *   positions   the logits row of each token (sequence outputs only): the prediction made after
 *               reading token p, so for a causal LM the token at p + 1
 *   foils       contrast: Σ score(tokens) − Σ score(foils), foils paired with tokens position by position
 *
 * The ids and positions are graph inputs (`target_tokens`, `target_positions`, `foil_tokens`), so one
 * gradient model serves every request of the same score kind. Rows and tokens are selected with
 * one-hot matrices (a MatMul and a Mul), not Gather, so the gradient graph needs no scatter.
 *
 * Near-certain targets: onnxruntime's float32 LogSoftmax (and Softmax) add the other entries'
 * exp(x_j − max) to the max's 1, so every term below 2⁻²⁴ is lost: brown-gpt's log p ≈ −7e-5 came out
 * 2.4% off float64. The value here is x − max − log1p(s), s summed over the other entries alone
 * (`accurateLogSoftmax`); probabilities are its exp. Gradients follow LogSoftmax's rule, which stays
 * accurate near certainty (../onnx/autodiff/rules/softmax.ts). The appended ops reduce over axis 2,
 * never −1: the rows are rank 3, and a positive axis needs no shape information for the batch-coupling
 * check (../onnx/batch-coupling.ts), nor value_info on the logits that would hide their inferred
 * shape from the gradient's static unbroadcasts.
 */
import { STOP_GRADIENT } from '../onnx/autodiff/index.js';
import { node, tensorF32, tensorI64, valueInfo } from '../onnx/builder.js';
import { GraphIndex } from '../onnx/graph-index.js';
import { DataType, decodeModel, encodeModel, type ModelProto, type NodeProto } from '../onnx/proto.js';
import type { Feeds, OrtModule } from '../runtime/session.js';

export type TargetScore = 'logit' | 'probability' | 'log_probability';

export interface TargetKind {
  score: TargetScore;
  contrast?: boolean;
}

export interface TargetSpec {
  score: TargetScore;
  tokens: number[];
  positions?: number[];
  foils?: number[];
}

export const TARGET = 'target';
export const TARGET_TOKENS = 'target_tokens';
export const TARGET_POSITIONS = 'target_positions';
export const FOIL_TOKENS = 'foil_tokens';

export const kindOf = (t: TargetSpec): TargetKind => ({ score: t.score, contrast: !!t.foils?.length });
export const kindKey = (k: TargetKind) => `${k.score}${k.contrast ? '-contrast' : ''}`;

export interface AppendTargetOptions {
  /** the logits output (default `logits`) */
  logits?: string;
  /** other outputs to keep beside `target` (default none) */
  keep?: string[];
}

/** A copy of `model` whose output is `target` [batch] for the given kind of target. */
export function appendTarget(
  model: ModelProto,
  kind: TargetKind,
  opts: AppendTargetOptions = {},
): ModelProto {
  const out = decodeModel(encodeModel(model));
  const graph = out.graph!;
  const logits = opts.logits ?? 'logits';
  const info = (graph.output ?? []).find((o) => o.name === logits);
  if (!info) throw new Error(`the model has no output "${logits}"`);
  const rank = info.type?.tensorType?.shape?.dim?.length ?? 0;
  if (rank !== 2 && rank !== 3)
    throw new Error(`"${logits}" must be [batch, labels] or [batch, positions, vocab], has rank ${rank}`);

  const T = '/target';
  const n = (op: string, inputs: string[], attrs = {}) => {
    const name = `${T}/${op}_${graph.node!.length}`;
    graph.node!.push(node(op, inputs, [name], attrs, name));
    return name;
  };
  const c = (name: string, values: number[], dims = [values.length]) => {
    graph.initializer!.push(tensorI64(`${T}/${name}`, dims, values));
    return `${T}/${name}`;
  };
  graph.initializer!.push(tensorF32(`${T}/one_hot_values`, [2], [0, 1]));
  const oneHot = (ids: string, depth: string) =>
    n('OneHot', [ids, depth, `${T}/one_hot_values`], { axis: -1 });
  const shape = n('Shape', [logits]);
  const vocab = n('Gather', [shape, c('last', [-1])], { axis: 0 });

  graph.input!.push(valueInfo(TARGET_TOKENS, DataType.INT64, ['target_count']));
  let rows: string;
  if (rank === 3) {
    // [k, positions] one-hot · [b, positions, vocab] → [b, k, vocab]: the logits row of each token.
    graph.input!.push(valueInfo(TARGET_POSITIONS, DataType.INT64, ['target_count']));
    const head = lmHead(new GraphIndex(graph), logits);
    if (head) {
      // Select the rows before the LM head, not after: [k, s]·[b, s, hidden] then the head gives
      // [b, k, vocab] instead of [b, s, vocab]. With an 8k vocabulary the full logits and their
      // gradient dominate the memory of a gradient run (Hugging Face's num_logits_to_keep, for gradients).
      const hidden = n('Shape', [head.input![0]]);
      const positions = n('Gather', [hidden, c('hidden_seq_axis', [1])], { axis: 0 });
      head.input![0] = n('MatMul', [oneHot(TARGET_POSITIONS, positions), head.input![0]]);
      rows = logits;
    } else {
      const length = n('Gather', [shape, c('seq_axis', [1])], { axis: 0 });
      rows = n('MatMul', [oneHot(TARGET_POSITIONS, length), logits]);
    }
  } else {
    rows = n('Unsqueeze', [logits, c('axis1', [1])]); // [b, 1, labels], broadcast against k tokens
  }
  // rows: [b, k, vocab] (or [b, 1, labels]), so axis 2 is the last.
  const f = (name: string, value: number) => {
    if (!graph.initializer!.some((t) => t.name === `${T}/${name}`))
      graph.initializer!.push(tensorF32(`${T}/${name}`, [], [value]));
    return `${T}/${name}`;
  };
  const logProbs = () => accurateLogSoftmax(graph.node!, n, c, f, opsetOf(out), rows);
  const scores =
    kind.score === 'logit' ? rows : kind.score === 'probability' ? n('Exp', [logProbs()]) : logProbs();
  let select = oneHot(TARGET_TOKENS, vocab); // [k, vocab]
  if (kind.contrast) {
    graph.input!.push(valueInfo(FOIL_TOKENS, DataType.INT64, ['target_count']));
    select = n('Sub', [select, oneHot(FOIL_TOKENS, vocab)]);
  }
  const picked = n('Mul', [scores, select]);
  graph.node!.push(
    node('ReduceSum', [picked, c('axes', [1, 2])], [TARGET], { keepdims: 0 }, `${T}/ReduceSum`),
  );
  graph.output = [
    valueInfo(TARGET, DataType.FLOAT, [info.type!.tensorType!.shape!.dim![0].dimParam ?? 'batch_size']),
    ...(graph.output ?? []).filter((o) => opts.keep?.includes(o.name!)),
  ];
  return out;
}

const opsetOf = (m: ModelProto) =>
  Number((m.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0);

/**
 * log softmax over axis 2 of the rank-3 `x`, accurate near certainty: the value of x − m − log1p(s),
 * m the max and s = Σ exp(x − m) over the entries below it (+ the number of tied maxima − 1), log1p as
 * log(u)·s/(u − 1) with u = 1 + s (Goldberg 1991; s itself where u rounds to 1). It is added to
 * LogSoftmax as a correction through a stop-gradient, so the gradient is LogSoftmax's.
 */
function accurateLogSoftmax(
  nodes: NodeProto[],
  n: (op: string, inputs: string[], attrs?: Record<string, number | number[]>) => string,
  c: (name: string, values: number[]) => string,
  f: (name: string, value: number) => string,
  opset: number,
  x: string,
): string {
  const plain = n('LogSoftmax', [x], { axis: 2 });
  const axis = c('softmax_axis', [2]);
  const max =
    opset >= 18
      ? n('ReduceMax', [x, axis], { keepdims: 1 })
      : n('ReduceMax', [x], { axes: [2], keepdims: 1 });
  const shifted = n('Sub', [x, max]);
  const isMax = n('Equal', [x, max]);
  const below = n('ReduceSum', [n('Where', [isMax, f('zero', 0), n('Exp', [shifted])]), axis], {
    keepdims: 1,
  });
  const ties = n('ReduceSum', [n('Cast', [isMax], { to: DataType.FLOAT }), axis], { keepdims: 1 });
  const s = n('Add', [below, n('Sub', [ties, f('one', 1)])]);
  const u = n('Add', [s, f('one', 1)]);
  const log1p = n('Where', [
    n('Equal', [u, f('one', 1)]),
    s,
    n('Div', [n('Mul', [n('Log', [u]), s]), n('Sub', [u, f('one', 1)])]),
  ]);
  const correction = n('Sub', [n('Sub', [shifted, log1p]), plain]);
  const detached = `${correction}${STOP_GRADIENT}`;
  nodes.push(node('Identity', [correction], [detached], {}, detached));
  return n('Add', [plain, detached]);
}

/**
 * The LM head that makes `logits`: a MatMul by a constant weight, alone or followed by the Add of a
 * constant bias (Marian's final_logits_bias) that nothing else reads; undefined for any other head.
 */
function lmHead(index: GraphIndex, logits: string): NodeProto | undefined {
  let head = index.producer.get(logits);
  if (head?.opType === 'Add') {
    const [a, b] = head.input!;
    const rest = index.isConstant(b) ? a : index.isConstant(a) ? b : undefined;
    head = rest && index.consumers.get(rest)?.length === 1 ? index.producer.get(rest) : undefined;
  }
  return head?.opType === 'MatMul' && index.isConstant(head.input![1]) ? head : undefined;
}

/** The feeds of a target's inputs, for the graph inputs that exist. */
export function targetFeeds(ort: OrtModule, spec: TargetSpec, inputNames: readonly string[]): Feeds {
  const i64 = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), [v.length]);
  const feeds: Feeds = {};
  if (inputNames.includes(TARGET_TOKENS)) feeds[TARGET_TOKENS] = i64(spec.tokens);
  if (inputNames.includes(TARGET_POSITIONS)) {
    if (!spec.positions || spec.positions.length !== spec.tokens.length) {
      throw new Error('a target on a sequence output needs one position per token');
    }
    feeds[TARGET_POSITIONS] = i64(spec.positions);
  }
  if (inputNames.includes(FOIL_TOKENS)) {
    if (!spec.foils || spec.foils.length !== spec.tokens.length)
      throw new Error('a contrast needs one foil per token');
    feeds[FOIL_TOKENS] = i64(spec.foils);
  }
  return feeds;
}

/** The target computed in JS from logits of one example ([labels] or [positions, vocab]): a reference. */
export function targetFromLogits(
  logits: ArrayLike<number>,
  dims: readonly number[],
  spec: TargetSpec,
): number {
  const vocab = dims[dims.length - 1];
  const sequence = dims.length === 3;
  const score = (row: number, token: number) => {
    const off = row * vocab;
    let max = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < vocab; v++) max = Math.max(max, logits[off + v]);
    let sum = 0;
    for (let v = 0; v < vocab; v++) sum += Math.exp(logits[off + v] - max);
    const x = logits[off + token];
    if (spec.score === 'logit') return x;
    if (spec.score === 'probability') return Math.exp(x - max) / sum;
    return x - max - Math.log(sum);
  };
  let total = 0;
  spec.tokens.forEach((t, k) => {
    const row = sequence ? spec.positions![k] : 0;
    total += score(row, t);
    if (spec.foils?.length) total -= score(row, spec.foils[k]);
  });
  return total;
}
