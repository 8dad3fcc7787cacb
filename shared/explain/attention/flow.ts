/**
 * Attention flow (Abnar & Zuidema 2020): the layers form a graph whose nodes are the tokens at each
 * layer, with an edge from token i at layer l+1 to token j at layer l of capacity Â_l[i][j]
 * (residual-adjusted attention). The flow from input token j to token i at the top is the max-flow
 * between them. Exact, and quadratic in max-flow runs, so it has a token limit.
 */

import { FLOW_MAX_TOKENS } from '../../schema/limits.js';
import { type Matrix, matrix } from './matrix.js';
import { residualAdjusted } from './rollout.js';

export { FLOW_MAX_TOKENS };

export class FlowTooLargeError extends Error {
  readonly code = 'flow_too_large';
}

/** The refusal's wording, one for the API and the in-browser runner: it names the option and its limit. */
export const flowLimitMessage = (n: number) =>
  `flow is limited to ${FLOW_MAX_TOKENS} tokens (this text has ${n})`;

/** Dinic's max-flow on a layered DAG given as dense capacities between consecutive layers. */
function maxFlow(caps: Matrix[], n: number, source: number, sink: number): number {
  const L = caps.length; // edges from level l+1 (upper) down to level l; levels 0..L
  // residual[l] holds forward capacities (upper i → lower j) and back[l] the reverse flow
  const res = caps.map((c) => Float64Array.from(c.data));
  const back = caps.map(() => new Float64Array(n * n));
  let total = 0;
  const level = new Int32Array((L + 1) * n);
  const node = (lvl: number, t: number) => lvl * n + t;
  for (;;) {
    // BFS from the source at the top level over residual edges (down: res, up: back).
    level.fill(-1);
    const queue = [node(L, source)];
    level[node(L, source)] = 0;
    for (let qi = 0; qi < queue.length; qi++) {
      const v = queue[qi];
      const lvl = Math.floor(v / n);
      const t = v % n;
      if (lvl > 0)
        for (let j = 0; j < n; j++)
          if (res[lvl - 1][t * n + j] > 1e-12 && level[node(lvl - 1, j)] < 0) {
            level[node(lvl - 1, j)] = level[v] + 1;
            queue.push(node(lvl - 1, j));
          }
      if (lvl < L)
        for (let i = 0; i < n; i++)
          if (back[lvl][i * n + t] > 1e-12 && level[node(lvl + 1, i)] < 0) {
            level[node(lvl + 1, i)] = level[v] + 1;
            queue.push(node(lvl + 1, i));
          }
    }
    if (level[node(0, sink)] < 0) return total;
    // Blocking flow by DFS along increasing levels.
    const dfs = (v: number, pushed: number): number => {
      if (v === node(0, sink)) return pushed;
      const lvl = Math.floor(v / n);
      const t = v % n;
      if (lvl > 0)
        for (let j = 0; j < n; j++) {
          const w = node(lvl - 1, j);
          const c = res[lvl - 1][t * n + j];
          if (c > 1e-12 && level[w] === level[v] + 1) {
            const f = dfs(w, Math.min(pushed, c));
            if (f > 0) {
              res[lvl - 1][t * n + j] -= f;
              back[lvl - 1][t * n + j] += f;
              return f;
            }
          }
        }
      if (lvl < L)
        for (let i = 0; i < n; i++) {
          const w = node(lvl + 1, i);
          const c = back[lvl][i * n + t];
          if (c > 1e-12 && level[w] === level[v] + 1) {
            const f = dfs(w, Math.min(pushed, c));
            if (f > 0) {
              back[lvl][i * n + t] -= f;
              res[lvl][i * n + t] += f;
              return f;
            }
          }
        }
      level[v] = -1; // dead end
      return 0;
    };
    let f = dfs(node(L, source), Infinity);
    if (f === 0) return total;
    while (f > 0) {
      total += f;
      f = dfs(node(L, source), Infinity);
    }
  }
}

/** Flow after each layer l: [i][j] = max-flow from input token j to token i at layer l's output. */
export function attentionFlow(layers: Matrix[]): Matrix[] {
  const n = layers[0].rows;
  if (n > FLOW_MAX_TOKENS) {
    throw new FlowTooLargeError(flowLimitMessage(n));
  }
  const caps = layers.map(residualAdjusted);
  return caps.map((_, l) => {
    const out = matrix(n, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) out.data[i * n + j] = maxFlow(caps.slice(0, l + 1), n, i, j);
    return out;
  });
}
