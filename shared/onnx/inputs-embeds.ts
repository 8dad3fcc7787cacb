/**
 * Rewrites a model so that the word embeddings enter as an input: the Gather of the word-embedding
 * table by `input_ids` is removed and its consumers read a new float input `inputs_embeds`
 * [batch, sequence, hidden] instead. Gradients (and perturbations) can then be taken with respect to
 * the embeddings, which are continuous, rather than the ids, which are not. Position and token-type
 * embeddings, the embedding scale (Marian's ×√d) and LayerNorm stay inside the graph.
 *
 * `Shape(input_ids)` (sequence lengths for position ids and masks) is rewritten to read the first
 * axes of `inputs_embeds`, so `input_ids` disappears from the inputs unless something else still
 * uses it. The table stays in the graph only when something else still reads it: a tied LM head
 * (GPT-2, Marian) keeps it; BERT's goes, and callers read it from the original model with
 * `embeddingMatrix` to embed ids and baselines.
 */
import { attr, node } from './builder.js';
import { GraphIndex } from './graph-index.js';
import {
  DataType,
  decodeModel,
  encodeModel,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  num,
  type TensorProto,
} from './proto.js';
import { readFloat32, tensorDims } from './tensor-data.js';

export const INPUTS_EMBEDS = 'inputs_embeds';

export interface WordEmbedding {
  gather: NodeProto;
  table: TensorProto;
}

/** The Gather of a float [vocab, hidden] initializer by `ids` (directly or through a Cast). */
export function findWordEmbedding(graph: GraphProto, ids = 'input_ids'): WordEmbedding {
  const idx = new GraphIndex(graph);
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  for (const n of graph.node ?? []) {
    if (n.opType !== 'Gather' || (n.domain ?? '') !== '') continue;
    const axis = num((n.attribute ?? []).find((a) => a.name === 'axis')?.i);
    const table = inits.get(n.input![0]);
    if (axis !== 0 || !table || table.dataType !== DataType.FLOAT || tensorDims(table).length !== 2) continue;
    const indices = n.input![1];
    const p = idx.producer.get(indices);
    if (indices === ids || (p?.opType === 'Cast' && p.input![0] === ids)) return { gather: n, table };
  }
  throw new Error(
    `no word-embedding lookup (Gather of a float [vocab, hidden] initializer by "${ids}") in graph "${graph.name}"`,
  );
}

export interface EmbeddingMatrix {
  /** row-major [vocab, hidden] */
  data: Float32Array;
  vocab: number;
  hidden: number;
}

export function embeddingMatrix(model: ModelProto, ids = 'input_ids'): EmbeddingMatrix {
  const { table } = findWordEmbedding(model.graph!, ids);
  const [vocab, hidden] = tensorDims(table);
  return { data: readFloat32(table), vocab, hidden };
}

/** The embeddings of `ids`, [ids.length · hidden], row after row. */
export function embed(matrix: EmbeddingMatrix, ids: readonly number[]): Float32Array {
  const out = new Float32Array(ids.length * matrix.hidden);
  ids.forEach((id, i) => {
    if (id < 0 || id >= matrix.vocab)
      throw new Error(`token id ${id} is outside the vocabulary (${matrix.vocab})`);
    out.set(matrix.data.subarray(id * matrix.hidden, (id + 1) * matrix.hidden), i * matrix.hidden);
  });
  return out;
}

export interface InputsEmbedsOptions {
  /** the ids input (default `input_ids`) */
  ids?: string;
  /** the new input's name (default `inputs_embeds`) */
  name?: string;
}

export function withInputsEmbeds(model: ModelProto, opts: InputsEmbedsOptions = {}): ModelProto {
  const ids = opts.ids ?? 'input_ids';
  const name = opts.name ?? INPUTS_EMBEDS;
  const out = decodeModel(encodeModel(model));
  const graph = out.graph!;
  const opset = Number((out.opsetImport ?? []).find((o) => !o.domain)?.version ?? 0);
  const { gather, table } = findWordEmbedding(graph, ids);
  const looked = gather.output![0];
  const hidden = tensorDims(table)[1];

  const idsInfo = (graph.input ?? []).find((v) => v.name === ids);
  const idsDims = idsInfo?.type?.tensorType?.shape?.dim ?? [
    { dimParam: 'batch_size' },
    { dimParam: 'sequence_length' },
  ];
  const idsRank = idsDims.length;
  graph.input!.push({
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: [...idsDims.map((d) => ({ ...d })), { dimValue: hidden }] },
      },
    },
  });

  const nodes: NodeProto[] = [];
  for (const n of graph.node ?? []) {
    if (n === gather) continue;
    n.input = (n.input ?? []).map((i) => (i === looked ? name : i));
    if (n.opType === 'Shape' && n.input[0] === ids) nodes.push(...shapeFromEmbeds(n, name, idsRank, opset));
    else nodes.push(n);
  }
  graph.node = nodes;
  for (const o of graph.output ?? []) {
    if (o.name === looked) nodes.push(node('Identity', [name], [looked], {}, `${looked}/from_inputs_embeds`));
  }

  const used = new Set(nodes.flatMap((n) => n.input ?? []));
  if (!used.has(ids)) graph.input = graph.input!.filter((v) => v.name !== ids);
  // A Cast of the ids that only fed the lookup is gone with it; the table stays if still read (tied head).
  if (!used.has(table.name!)) graph.initializer = graph.initializer!.filter((t) => t !== table);
  return out;
}

/** Shape(ids) → the same dims read from inputs_embeds, whose extra last axis is excluded. */
function shapeFromEmbeds(n: NodeProto, embeds: string, rank: number, opset: number): NodeProto[] {
  const get = (k: string) => (n.attribute ?? []).find((a) => a.name === k);
  const clamp = (v: number) => Math.max(0, Math.min(rank, v < 0 ? v + rank : v));
  const start = clamp(num(get('start')?.i ?? 0));
  const end = clamp(get('end') ? num(get('end')!.i) : rank);
  if (opset >= 15) {
    return [{ ...n, input: [embeds], attribute: [attr('start', start), attr('end', end)] }];
  }
  // Before opset 15 Shape has no start/end: slice the full shape.
  const full = `${n.output![0]}/embeds_shape`;
  const c = (suffix: string, v: number) => ({
    ...node('Constant', [], [`${n.output![0]}/${suffix}`], {
      value: {
        name: suffix,
        dims: [1],
        dataType: DataType.INT64,
        rawData: new Uint8Array(BigInt64Array.from([BigInt(v)]).buffer),
      },
    }),
  });
  const s = c('start', start);
  const e = c('end', end);
  return [
    node('Shape', [embeds], [full], {}, full),
    s,
    e,
    node('Slice', [full, s.output![0], e.output![0]], [n.output![0]], {}, n.name ?? undefined),
  ];
}
