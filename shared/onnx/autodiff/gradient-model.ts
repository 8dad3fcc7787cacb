/**
 * Reverse-mode differentiation of an ONNX graph into a new ONNX model that computes, in one run, the
 * forward values and the gradient of a scalar with respect to chosen inputs:
 *
 *   gradientModel(model, { wrt: ['inputs_embeds'], target: 'target' })
 *     → outputs `target` and `grad.inputs_embeds`
 *
 * The scalar is the sum of the elements of `target` (a batch of per-example targets gives each example
 * its own gradient, since examples do not interact), or, for chaining graphs (encoder ← decoder), the
 * dot product of some outputs with cotangents fed as new inputs.
 *
 * The backward graph is built from the forward graph in reverse topological order: every node that
 * lies on a path from a `wrt` tensor to the target asks its rule (./registry.ts) for the gradients of
 * its inputs, given those of its outputs; a tensor used several times sums its gradients. Integer and
 * shape-only computations (Shape, Range, masks, Cast to int) are not on such a path and get nothing;
 * nor does what an Identity node named `…/stop_gradient` outputs (torch's `detach`: a value used as a
 * constant, e.g. a correction whose derivative is zero by construction, ../../explain/targets.ts).
 */
import { GraphIndex } from '../graph-index.js';
import {
  DataType,
  decodeModel,
  encodeModel,
  type ModelProto,
  type NodeProto,
  type ValueInfoProto,
} from '../proto.js';
import { isFloatType } from './attributes.js';
import { floatTensor, GradientEmitter } from './emit.js';
import { gradientView } from './quant-pattern.js';
import { ruleFor } from './registry.js';
import { ShapeInfo } from './shapes.js';
import { pruneTo, topoSort } from './topo.js';

export interface GradientOptions {
  /** tensors to differentiate with respect to: graph inputs, usually `inputs_embeds` */
  wrt: string[];
  /** differentiate the sum of this tensor's elements (seeded with ones) */
  target?: string;
  /** or/and: output tensor → name of a new graph input holding the gradient of the loss w.r.t. it */
  cotangents?: Record<string, string>;
  /** forward tensors to output as well (the target is always output) */
  keep?: string[];
  /** intermediate tensors whose gradients to output too, as `grad.<name>` (e.g. attention probabilities) */
  also?: string[];
}

export const gradName = (wrt: string) => `grad.${wrt}`;

/** The name suffix of an Identity node whose output autodiff treats as a constant. */
export const STOP_GRADIENT = '/stop_gradient';
const isStopGradient = (n: NodeProto) => n.opType === 'Identity' && !!n.name?.endsWith(STOP_GRADIENT);

export function gradientModel(model: ModelProto, opts: GradientOptions): ModelProto {
  const out = decodeModel(encodeModel(model)); // deep copy
  const graph = out.graph!;
  const opset = Number(
    (out.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0,
  );
  if (opset < 13) throw new Error(`autodiff: needs a model of opset >= 13, this one has ${opset}`);
  const forward = topoSort(graph);
  graph.node = forward;
  const info = new ShapeInfo(graph, opset);
  const idx = new GraphIndex(graph);
  const view = gradientView(idx, forward);

  const known = new Set([...idx.inputs, ...idx.initializers, ...idx.producer.keys()]);
  for (const w of opts.wrt)
    if (!idx.inputs.has(w)) throw new Error(`autodiff: "${w}" is not an input of the graph`);
  const seeds = [...(opts.target ? [opts.target] : []), ...Object.keys(opts.cotangents ?? {})];
  if (seeds.length === 0) throw new Error('autodiff: give a target or cotangents');
  for (const s of seeds) if (!known.has(s)) throw new Error(`autodiff: no tensor "${s}" in the graph`);
  const dtype = info.type(opts.wrt[0]) ?? DataType.FLOAT;
  if (!isFloatType(dtype)) throw new Error(`autodiff: "${opts.wrt[0]}" is not a float tensor`);

  // Tensors that depend on a wrt tensor through float values …
  const fromWrt = new Set(opts.wrt);
  for (const n of view) {
    if (isStopGradient(n) || !(n.input ?? []).some((i) => fromWrt.has(i))) continue;
    // An op of another domain (a contrib op) has no type inference here: its outputs count as float,
    // so that the missing rule is refused by name instead of the gradient silently being zero.
    const foreign = !!n.domain && n.domain !== 'ai.onnx';
    for (const o of n.output ?? [])
      if (o && (info.isFloat(o) || (foreign && info.type(o) === undefined))) fromWrt.add(o);
  }
  // … and that the seeds depend on: their intersection needs gradients.
  const producer = new Map<string, NodeProto>();
  for (const n of view) for (const o of n.output ?? []) producer.set(o, n);
  const needed = new Set<string>();
  const stack = seeds.slice();
  const seen = new Set<string>();
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    if (fromWrt.has(t)) needed.add(t);
    const p = producer.get(t);
    if (p && !isStopGradient(p)) for (const i of p.input ?? []) if (i) stack.push(i);
  }

  // Refuse an op without a rule before any rule runs (a later rule could fail less clearly on it).
  for (const n of view) {
    const onPath = (n.output ?? []).some((o) => needed.has(o)) && (n.input ?? []).some((i) => needed.has(i));
    if (onPath) ruleFor(n);
  }

  const e = new GradientEmitter(info, dtype, opset);
  const grads = new Map<string, string[]>();
  const push = (t: string, g: string) => grads.set(t, [...(grads.get(t) ?? []), g]);
  const collect = (t: string): string | undefined => {
    const list = grads.get(t);
    if (!list || list.length === 0) return undefined;
    if (list.length === 1) return list[0];
    const total = e.op1('Sum', list);
    grads.set(t, [total]);
    return total;
  };

  e.scope = 'seed';
  const newInputs: ValueInfoProto[] = [];
  if (opts.target) {
    push(
      opts.target,
      e.op1('ConstantOfShape', [e.shapeOf(opts.target)], { value: floatTensor('value', [1], [1], dtype) }),
    );
  }
  for (const [output, input] of Object.entries(opts.cotangents ?? {})) {
    newInputs.push(anyShape(input, dtype));
    info.shapes.set(input, info.shape(output));
    info.types.set(input, dtype);
    push(output, input);
  }

  for (let k = view.length - 1; k >= 0; k--) {
    const n = view[k];
    const outs = n.output ?? [];
    if (!outs.some((o) => needed.has(o))) continue;
    const dY = outs.map((o) => (needed.has(o) ? collect(o) : undefined));
    if (dY.every((g) => !g)) continue;
    const x = (n.input ?? []).map((i) => i ?? '');
    const needs = x.map((i) => !!i && needed.has(i));
    if (!needs.some(Boolean)) continue;
    const rule = ruleFor(n);
    e.scope = n.name || outs[0];
    const dX = rule({ node: n, x, y: outs.map((o) => o ?? ''), dY, needs, e });
    x.forEach((i, j) => {
      if (needs[j] && dX[j]) push(i, dX[j]!);
    });
  }

  e.scope = 'output';
  const gradOutputs: ValueInfoProto[] = [];
  for (const w of opts.wrt) {
    const g = collect(w) ?? e.zerosLike(w);
    e.nodes.push({ opType: 'Identity', input: [g], output: [gradName(w)], name: `${gradName(w)}/output` });
    gradOutputs.push(anyShape(gradName(w), dtype));
  }

  for (const t of opts.also ?? []) {
    const g = collect(t);
    if (!g) throw new Error(`autodiff: "${t}" is not on the gradient path`);
    e.nodes.push({ opType: 'Identity', input: [g], output: [gradName(t)], name: `${gradName(t)}/output` });
    gradOutputs.push(anyShape(gradName(t), dtype));
  }

  const keep = [...(opts.target ? [opts.target] : []), ...(opts.keep ?? [])];
  const keptOutputs = keep.map((t) => anyShape(t, info.type(t) ?? DataType.FLOAT));
  graph.output = [...keptOutputs, ...gradOutputs];
  graph.initializer = [...(graph.initializer ?? []), ...e.initializers];
  graph.input = [...(graph.input ?? []), ...newInputs];
  graph.node = pruneTo(
    [...forward, ...e.nodes],
    graph.output.map((o) => o.name!),
  );
  dropUnused(out);
  return out;
}

/** A graph input or output declared by type alone: ORT then takes whatever shape the run gives. */
function anyShape(name: string, elemType: number): ValueInfoProto {
  return { name, type: { tensorType: { elemType } } };
}

/** Removes initializers and graph inputs that no node reads (a pruned forward leaves some). */
function dropUnused(model: ModelProto) {
  const graph = model.graph!;
  const used = new Set<string>();
  for (const n of graph.node ?? []) for (const i of n.input ?? []) if (i) used.add(i);
  for (const o of graph.output ?? []) used.add(o.name!);
  graph.initializer = (graph.initializer ?? []).filter((t) => used.has(t.name!));
  graph.input = (graph.input ?? []).filter((v) => used.has(v.name!));
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => used.has(v.name!));
}
