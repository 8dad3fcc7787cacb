/**
 * Model-parameter randomization (Adebayo et al. 2018, "Sanity Checks for Saliency Maps"): the map's
 * rank correlation with the same method's map on the model with its weights randomized, cascading
 * from the top: first the head (classifier, pooler, final norm, LM head), then the last layer, and so
 * on down to the first. A method whose map barely changes when the model it explains is destroyed
 * does not explain the model: it is flagged insensitive.
 *
 * The randomized models are made here from the served model's graphs, never stored: each of a
 * stage's weights (float, or the uint8/int8 weights of a quantized graph, ../../onnx/quantize.ts) has
 * its values shuffled by a seeded permutation, which destroys what training put in it while keeping
 * its scale, so activations stay in range. Embedding tables (read by a Gather) and quantization
 * scales and zero points are left as they are: the input stays the same input.
 */
import { DataType, decodeModel, encodeModel, type GraphProto, type ModelProto } from '../../onnx/proto.js';
import { Rng } from '../../util/random.js';
import { SaliencyContext } from '../saliency/context.js';
import type { Graphs } from '../saliency/program.js';
import { kendallTauB, spearman } from './rank-stats.js';

/** Spearman's ρ at the full cascade at or above which a method is flagged insensitive to the model. */
export const SANITY_THRESHOLD = 0.5;

const LAYER = /(?:^|[/.])(?:layers?|h|blocks?)[._](\d+)(?=[/.]|$)/;
const MIN_ELEMENTS = 16;
const SHUFFLED_TYPES = new Set<number>([DataType.FLOAT, DataType.UINT8, DataType.INT8]);

/** Where a weight sits: its layer, 'head' (above the layers), or undefined (embeddings, constants). */
function placeOf(consumers: { opType: string; name: string }[]): number | 'head' | undefined {
  if (consumers.length === 0 || consumers.some((c) => c.opType === 'Gather')) return undefined;
  for (const c of consumers) {
    const m = LAYER.exec(c.name);
    if (m) return Number(m[1]);
  }
  return 'head';
}

/** Each shufflable weight's place in the graph, by initializer name. */
export function weightPlaces(graph: GraphProto): Map<string, number | 'head'> {
  const consumers = new Map<string, { opType: string; name: string }[]>();
  for (const n of graph.node ?? [])
    for (const i of n.input ?? []) {
      const list = consumers.get(i) ?? [];
      list.push({ opType: n.opType ?? '', name: n.name ?? '' });
      consumers.set(i, list);
    }
  const out = new Map<string, number | 'head'>();
  for (const t of graph.initializer ?? []) {
    const name = t.name ?? '';
    if (!SHUFFLED_TYPES.has(t.dataType ?? 0) || /_(scale|zero_point)$/.test(name)) continue;
    const size = (t.dims ?? []).reduce((a: number, d) => a * Number(d), 1);
    if (size < MIN_ELEMENTS) continue;
    const place = placeOf(consumers.get(name) ?? []);
    if (place !== undefined) out.set(name, place);
  }
  return out;
}

function shuffleBytes(bytes: Uint8Array, width: number, rng: Rng): Uint8Array {
  const out = bytes.slice();
  const n = out.length / width;
  const tmp = new Uint8Array(width);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    tmp.set(out.subarray(i * width, (i + 1) * width));
    out.copyWithin(i * width, j * width, (j + 1) * width);
    out.set(tmp, j * width);
  }
  return out;
}

/** A copy of `model` with the weights at `places` shuffled (seeded by the seed and the weight's name). */
export function randomizeModel(
  model: ModelProto,
  places: (p: number | 'head') => boolean,
  seed: number,
): ModelProto {
  const out = decodeModel(encodeModel(model));
  const graph = out.graph!;
  const where = weightPlaces(graph);
  for (const t of graph.initializer ?? []) {
    const place = where.get(t.name ?? '');
    if (place === undefined || !places(place)) continue;
    let h = seed >>> 0;
    for (const ch of t.name ?? '') h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    const rng = new Rng(h);
    const width = t.dataType === DataType.FLOAT ? 4 : 1;
    let bytes: Uint8Array;
    if (t.rawData && t.rawData.length > 0) bytes = t.rawData;
    else if (t.dataType === DataType.FLOAT)
      bytes = new Uint8Array(Float32Array.from(t.floatData ?? []).buffer);
    else bytes = Uint8Array.from(t.int32Data ?? []);
    t.rawData = shuffleBytes(bytes, width, rng);
    t.floatData = [];
    t.int32Data = [];
  }
  return out;
}

export interface SanityStage {
  /** what is randomized at this stage, cumulatively: 'head', then each layer from the top */
  randomized: string;
  spearman: number;
  kendall: number;
}

export interface Sanity {
  cascade: SanityStage[];
  threshold: number;
  /** the map at the full cascade still ranks like the original (ρ ≥ threshold) */
  insensitive: boolean;
}

/** Cascade stages, top down: the head, then layers from the last; encoder-decoder: decoder first. */
export function cascadeStages(ctx: SaliencyContext): { name: string; graphs: (seed: number) => Graphs }[] {
  const { layers, encoderLayers } = ctx.shape;
  const g = ctx.graphs;
  const stages: { name: string; top: number; enc: number }[] = [
    { name: 'head', top: layers, enc: encoderLayers ?? 0 },
  ];
  for (let l = layers - 1; l >= 0; l--)
    stages.push({ name: `${g.decoder ? 'decoder ' : ''}layer ${l}`, top: l, enc: encoderLayers ?? 0 });
  for (let l = (encoderLayers ?? 0) - 1; l >= 0; l--)
    stages.push({ name: `encoder layer ${l}`, top: 0, enc: l });
  return stages.map((s) => ({
    name: s.name,
    graphs: (seed: number) => {
      // a layer at or above `top` (of its stack) is randomized, and the head always
      const above = (top: number) => (p: number | 'head') => p === 'head' || p >= top;
      if (g.model) return { model: randomizeModel(g.model, above(s.top), seed) };
      return {
        decoder: randomizeModel(g.decoder!, above(s.top), seed),
        // the encoder has no head of its own: its layers go once the decoder's are all gone
        encoder: randomizeModel(g.encoder!, (p) => p !== 'head' && p >= s.enc, seed),
      };
    },
  }));
}

/**
 * The cascade for several maps at once (each stage's randomized model is built once): `mapOf`
 * computes the maps with a given context, the randomized model's. Each stage's sessions are released
 * before the next is built.
 */
export async function sanity(
  ctx: SaliencyContext,
  maps: Record<string, readonly number[]>,
  mapOf: (ctx: SaliencyContext) => Promise<Record<string, readonly number[]>>,
  seed = 0,
): Promise<Record<string, Sanity>> {
  const cascades: Record<string, SanityStage[]> = Object.fromEntries(Object.keys(maps).map((k) => [k, []]));
  for (const stage of cascadeStages(ctx)) {
    const factory = releasing(ctx);
    const randomized = new SaliencyContext(
      stage.graphs(seed),
      factory,
      ctx.shape,
      ctx.embedding,
      ctx.padTokenId,
      ctx.options,
    );
    try {
      const other = await mapOf(randomized);
      for (const [k, v] of Object.entries(maps))
        cascades[k].push({
          randomized: stage.name,
          spearman: spearman(v, other[k]),
          kendall: kendallTauB(v, other[k]),
        });
    } finally {
      await factory.releaseAll();
    }
  }
  return Object.fromEntries(
    Object.entries(cascades).map(([k, cascade]) => {
      const last = cascade.at(-1)?.spearman ?? Number.NaN;
      return [k, { cascade, threshold: SANITY_THRESHOLD, insensitive: last >= SANITY_THRESHOLD }];
    }),
  );
}

/** The context's factory, remembering what it opens so that a stage's sessions can go. */
function releasing(ctx: SaliencyContext) {
  const open: { release(): Promise<void> }[] = [];
  return {
    ort: ctx.factory.ort,
    async create(bytes: Uint8Array) {
      const s = await ctx.factory.create(bytes);
      open.push(s);
      return s;
    },
    async releaseAll() {
      await Promise.all(open.splice(0).map((s) => s.release()));
    },
  };
}
