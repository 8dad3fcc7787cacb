/** Topological order of a graph's nodes (ONNX asks for it, but appended pieces may break it). */
import type { GraphProto, NodeProto } from '../proto.js';

export function topoSort(graph: GraphProto): NodeProto[] {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => {
    for (const o of n.output ?? []) if (o) producer.set(o, i);
  });
  const waiting = nodes.map(
    (n) => new Set((n.input ?? []).filter((i) => i && producer.has(i)).map((i) => producer.get(i)!)),
  );
  const dependents = nodes.map(() => [] as number[]);
  waiting.forEach((deps, i) => {
    for (const d of deps) dependents[d].push(i);
  });
  // Stable: among ready nodes, the one that came first in the file goes first.
  const ready = waiting.flatMap((w, i) => (w.size === 0 ? [i] : []));
  const order: NodeProto[] = [];
  while (ready.length) {
    ready.sort((a, b) => b - a);
    const i = ready.pop()!;
    order.push(nodes[i]);
    for (const j of dependents[i]) {
      waiting[j].delete(i);
      if (waiting[j].size === 0) ready.push(j);
    }
  }
  if (order.length !== nodes.length) throw new Error('autodiff: the graph has a cycle');
  return order;
}

/** Keeps the nodes that the given outputs depend on, in order. */
export function pruneTo(nodes: NodeProto[], outputs: Iterable<string>): NodeProto[] {
  const needed = new Set(outputs);
  const kept: NodeProto[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!(n.output ?? []).some((o) => needed.has(o))) continue;
    kept.push(n);
    for (const x of n.input ?? []) if (x) needed.add(x);
  }
  return kept.reverse();
}
