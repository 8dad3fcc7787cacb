/**
 * What saliency methods work with: a model as differentiable functions of its input embeddings (one
 * per kind of target, opened on first use), its embedding table, and a memory budget that sizes the
 * batches of interpolated or noisy inputs.
 */
import { type EmbeddingMatrix, embed, embeddingMatrix } from '../../onnx/inputs-embeds.js';
import { decodeModel } from '../../onnx/proto.js';
import { fusedOps, unfuseInPlace } from '../../onnx/unfuse/index.js';
import { graphFiles } from '../../runtime/graph-files.js';
import type { ModelMeta, Precision, ReadFile } from '../../runtime/model.js';
import type { ModelShape } from '../../runtime/model-config.js';
import type { SessionFactory } from '../../runtime/session.js';
import { kindKey, type TargetKind } from '../targets.js';
import { type AttentionGradients, attentionGradients } from './attention-program.js';
import { batchSizeFor } from './batch-size.js';
import { type DifferentiableModel, differentiable, type Graphs } from './program.js';

export interface SaliencyContextOptions {
  /** bytes the activations of one batched run may take (default 64 MiB; a Worker has 128 MB in all) */
  memoryBudget?: number;
  /** upper bound on the batch whatever the budget (default 64) */
  maxBatch?: number;
}

export class SaliencyContext {
  readonly #programs = new Map<string, DifferentiableModel>();
  readonly #attention = new Map<string, AttentionGradients>();

  constructor(
    readonly graphs: Graphs,
    readonly factory: SessionFactory,
    readonly shape: ModelShape,
    readonly embedding: EmbeddingMatrix,
    /** the pad token's id, for pad-embedding baselines */
    readonly padTokenId: number | undefined,
    readonly options: SaliencyContextOptions = {},
  ) {}

  program(kind: TargetKind): DifferentiableModel {
    const key = kindKey(kind);
    let p = this.#programs.get(key);
    if (!p) {
      const { heads, hidden } = this.shape;
      p = differentiable(
        this.graphs,
        kind,
        this.factory,
        { ort: this.factory.ort, heads, headDim: hidden / heads },
        this.embedding,
      );
      this.#programs.set(key, p);
    }
    return p;
  }

  /** Self-attention matrices and the target's gradient with respect to them (encoder or decoder models). */
  attentionProgram(kind: TargetKind): AttentionGradients {
    const key = kindKey(kind);
    let p = this.#attention.get(key);
    if (!p) {
      const { heads, hidden, family } = this.shape;
      p = attentionGradients(
        this.graphs.model!,
        family === 'decoder' ? 'decoder' : 'encoder',
        kind,
        this.factory,
        { ort: this.factory.ort, heads, headDim: hidden / heads },
        hidden,
      );
      this.#attention.set(key, p);
    }
    return p;
  }

  embed(ids: readonly number[]): Float32Array {
    return embed(this.embedding, ids);
  }

  /** How many copies of a `tokens`-long input one run may take (./batch-size.ts). */
  batchSize(tokens: number): number {
    return batchSizeFor(this.shape, this.graphs, tokens, this.embedding.vocab, this.options);
  }
}

export interface ModelSource extends Pick<ModelMeta, 'config' | 'shape'> {
  precision?: Precision;
}

/** Reads a model folder's graphs (fp32 or int8) and makes its saliency context. */
export async function createSaliencyContext(
  model: ModelSource,
  read: ReadFile,
  factory: SessionFactory,
  options: SaliencyContextOptions = {},
): Promise<SaliencyContext> {
  const [first, second] = graphFiles(model.shape.family, model.precision ?? 'int8');
  // Fused operators rewritten (../../onnx/unfuse) so the gradient rules see primitive ops; one that
  // cannot be rewritten stays, and only gradients through it are refused (by name).
  const load = async (file: string) => {
    const m = decodeModel(await read(file));
    if (fusedOps(m).length > 0) unfuseInPlace(m);
    return m;
  };
  const graphs: Graphs =
    model.shape.family === 'encoder-decoder'
      ? { encoder: await load(first), decoder: await load(second) }
      : { model: await load(first) };
  const embedding = embeddingMatrix((graphs.model ?? graphs.encoder)!);
  const pad = model.config.pad_token_id;
  return new SaliencyContext(
    graphs,
    factory,
    model.shape,
    embedding,
    typeof pad === 'number' ? pad : undefined,
    options,
  );
}
