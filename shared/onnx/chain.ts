/**
 * Chains two graphs into one: the inputs of `second` named in `links` read outputs of `first`, and
 * every other name of `second` (tensors, initializers, nodes) gets `prefix`, so the two never collide —
 * except the names in `keep`, which must be unique to `second` (its outputs the caller reads by name).
 *
 * An encoder-decoder's gradient with respect to the source embeddings is then one backward graph
 * through both, instead of a decoder gradient model plus an encoder vector-Jacobian model that has to
 * run the encoder forward a second time.
 *
 *   chainGraphs(encoder, decoder, { links: { encoder_hidden_states: 'last_hidden_state' }, prefix: 'decoder/', keep: ['target'] })
 */
import { decodeModel, encodeModel, type ModelProto, type NodeProto } from './proto.js';

export interface ChainOptions {
  /** input of `second` → output of `first` it reads */
  links: Record<string, string>;
  /** prefix for every other name of `second` */
  prefix: string;
  /** names of `second` left as they are (its outputs the caller reads) */
  keep?: string[];
}

export function chainGraphs(first: ModelProto, second: ModelProto, opts: ChainOptions): ModelProto {
  const out = decodeModel(encodeModel(first));
  const sec = decodeModel(encodeModel(second));
  const b = sec.graph!;
  const g = out.graph!;
  const firstOutputs = new Set((g.output ?? []).map((o) => o.name!));
  for (const output of Object.values(opts.links))
    if (!firstOutputs.has(output)) throw new Error(`chainGraphs: the first graph has no output ${output}`);
  const keep = new Set(opts.keep ?? []);
  const rename = (n: string) => (n === '' ? n : (opts.links[n] ?? (keep.has(n) ? n : opts.prefix + n)));
  const renameNode = (n: NodeProto): NodeProto => {
    if ((n.attribute ?? []).some((a) => a.g || (a.graphs ?? []).length))
      throw new Error(`chainGraphs: ${n.opType} ${n.name} has a subgraph`);
    return {
      ...n,
      name: opts.prefix + (n.name ?? ''),
      input: (n.input ?? []).map(rename),
      output: (n.output ?? []).map(rename),
    };
  };
  g.node = [...(g.node ?? []), ...(b.node ?? []).map(renameNode)];
  g.initializer = [
    ...(g.initializer ?? []),
    ...(b.initializer ?? []).map((t) => ({ ...t, name: rename(t.name!) })),
  ];
  g.input = [
    ...(g.input ?? []),
    ...(b.input ?? []).filter((i) => !(i.name! in opts.links)).map((i) => ({ ...i, name: rename(i.name!) })),
  ];
  g.output = (b.output ?? []).map((o) => ({ ...o, name: rename(o.name!) }));
  g.valueInfo = [
    ...(g.valueInfo ?? []),
    ...(b.valueInfo ?? [])
      .filter((v) => !(v.name! in opts.links))
      .map((v) => ({ ...v, name: rename(v.name!) })),
  ];
  // one import per domain, the newer version where both graphs use it
  const opsets = new Map<string, number>();
  for (const o of [...(out.opsetImport ?? []), ...(sec.opsetImport ?? [])])
    opsets.set(o.domain ?? '', Math.max(opsets.get(o.domain ?? '') ?? 0, Number(o.version)));
  out.opsetImport = [...opsets].map(([domain, version]) => ({ domain, version }));
  return out;
}
