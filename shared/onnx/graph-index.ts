/** Look-ups over a graph's nodes: who produces a tensor, who consumes it, what a value depends on. */
import type { GraphProto, NodeProto } from './proto.js';

export class GraphIndex {
  readonly producer = new Map<string, NodeProto>();
  readonly consumers = new Map<string, NodeProto[]>();
  readonly inputs: Set<string>;
  readonly initializers: Set<string>;

  constructor(readonly graph: GraphProto) {
    for (const n of graph.node ?? []) {
      for (const o of n.output ?? []) this.producer.set(o, n);
      for (const i of n.input ?? []) {
        if (!i) continue;
        const list = this.consumers.get(i) ?? [];
        list.push(n);
        this.consumers.set(i, list);
      }
    }
    this.initializers = new Set((graph.initializer ?? []).map((t) => t.name!));
    this.inputs = new Set((graph.input ?? []).map((v) => v.name!).filter((n) => !this.initializers.has(n)));
  }

  /** The graph inputs (not initializers) that `tensor` is computed from. */
  sourceInputs(tensor: string): Set<string> {
    const found = new Set<string>();
    const seen = new Set<string>();
    const stack = [tensor];
    while (stack.length) {
      const t = stack.pop()!;
      if (seen.has(t)) continue;
      seen.add(t);
      if (this.inputs.has(t)) found.add(t);
      const p = this.producer.get(t);
      if (p) for (const i of p.input ?? []) if (i) stack.push(i);
    }
    return found;
  }

  /** True when `tensor` depends on no graph input (a constant subgraph or an initializer). */
  isConstant(tensor: string): boolean {
    return this.sourceInputs(tensor).size === 0;
  }

  /**
   * Searches upward from `tensor`, passing only through `through` ops (Add of a mask, Div/Mul by a
   * scale, Where, Cast, …), for the nearest node that satisfies `match`.
   */
  findUp(
    tensor: string,
    match: (n: NodeProto) => boolean,
    through: string[],
    maxDepth = 8,
  ): NodeProto | undefined {
    const p = this.producer.get(tensor);
    if (!p || maxDepth === 0) return undefined;
    if (match(p)) return p;
    if (!through.includes(p.opType!)) return undefined;
    for (const i of p.input ?? []) {
      if (!i || this.isConstant(i)) continue;
      const hit = this.findUp(i, match, through, maxDepth - 1);
      if (hit) return hit;
    }
    return undefined;
  }
}
