/**
 * The value-zeroing rewrite (Mohebbi et al. 2023): a new graph input `value_zeroing_mask`, float
 * [batch, blocks, keys], multiplies the value vectors of each attention block before its ·V product
 * (block k reads column k; 1 keeps a token's value, 0 zeroes it). Each example of a batch can so
 * zero one token in one block, and a batch of examples covers many (token, block) pairs in one run.
 * A mask of ones gives the original results. Values must be laid out [batch, heads, keys, headDim].
 */
import { node, tensorI64, valueInfo } from './builder.js';
import type { AttentionOutput } from './expose-attention.js';
import { ValuesNotExposableError } from './expose-values.js';
import { GraphIndex } from './graph-index.js';
import { DataType, type ModelProto, type NodeProto } from './proto.js';

export const VALUE_MASK_INPUT = 'value_zeroing_mask';

/** Inserts the mask on the values of `attention`'s blocks, in that order (mutates `model`). */
export function addValueZeroingInPlace(model: ModelProto, attention: AttentionOutput[]): void {
  const graph = model.graph!;
  const idx = new GraphIndex(graph);
  const byName = new Map((graph.node ?? []).map((n) => [n.name ?? '', n]));
  graph.input!.push(valueInfo(VALUE_MASK_INPUT, DataType.FLOAT, ['batch_size', attention.length, 'keys']));
  graph.initializer!.push(tensorI64('value_zeroing/axes', [2], [1, 3]));
  const added: NodeProto[] = [];
  for (const [k, a] of attention.entries()) {
    const sm = byName.get(a.node);
    const probs = sm?.output?.[0];
    // the ·V MatMul: first operand computed from the probabilities through casts/reshapes
    let t = probs;
    let pv: NodeProto | undefined;
    for (let hop = 0; t && hop < 4 && !pv; hop++) {
      const cs = (idx.consumers.get(t) ?? []).filter((n) => !(n.name ?? '').endsWith('/expose'));
      pv = cs.find((c) => c.opType === 'MatMul' && c.input![0] === t);
      t = cs.length === 1 ? cs[0].output![0] : undefined;
    }
    if (!pv) throw new ValuesNotExposableError(`no ·V MatMul after "${a.node}"`);
    const p = `value_zeroing/${k}`;
    graph.initializer!.push(tensorI64(`${p}/index`, [], [k]));
    const v = pv.input![1];
    added.push(
      node('Gather', [VALUE_MASK_INPUT, `${p}/index`], [`${p}/column`], { axis: 1 }, `${p}/Gather`),
      node('Unsqueeze', [`${p}/column`, 'value_zeroing/axes'], [`${p}/mask`], {}, `${p}/Unsqueeze`),
      node('Mul', [v, `${p}/mask`], [`${p}/values`], {}, `${p}/Mul`),
    );
    pv.input![1] = `${p}/values`;
  }
  // each block's Gather/Unsqueeze/Mul go right before the ·V MatMul that reads them (topological order)
  const nodes = graph.node!;
  for (let i = 0; i < added.length; i += 3) {
    const mul = added[i + 2];
    const at = nodes.findIndex((n) => (n.input ?? []).includes(mul.output![0]));
    nodes.splice(at, 0, added[i], added[i + 1], mul);
  }
}
