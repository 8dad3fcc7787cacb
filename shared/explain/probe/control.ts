/**
 * The control task of Hewitt & Liang (2019, "Designing and Interpreting Probes with Control
 * Tasks"): every word type gets one random tag, drawn from the empirical tag distribution of the
 * training set, and keeps it everywhere (train, dev, test). A probe can only solve it by memorising
 * word identities, so task accuracy − control accuracy (selectivity) is the part of the probe's score
 * that the representation, not the probe's capacity, explains.
 *
 * The draw for a type depends only on (seed, type) — a hash seeds it — so a type gets the same
 * control tag whatever sentences the task holds and in whatever order they come.
 */
import { Rng } from '../../util/random.js';
import { type ProbeSentence, type ProbeTask, SPLITS, wordType } from './task.js';

/** FNV-1a over UTF-16 code units, mixed with a seed: a stable 32-bit hash in every host. */
export function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Tag frequencies over the training words, normalised to a cumulative distribution. */
export function empiricalCdf(task: ProbeTask): Float64Array {
  const counts = new Float64Array(task.labels.length);
  let n = 0;
  for (const s of task.train) {
    for (const t of s.tags) {
      counts[t]++;
      n++;
    }
  }
  const cdf = new Float64Array(counts.length);
  let acc = 0;
  for (let i = 0; i < counts.length; i++) {
    acc += counts[i] / Math.max(1, n);
    cdf[i] = acc;
  }
  return cdf;
}

export function controlTag(type: string, cdf: Float64Array, seed: number): number {
  const u = new Rng(hashString(type, seed)).next();
  for (let i = 0; i < cdf.length; i++) if (u < cdf[i]) return i;
  // u is within rounding of 1: the last class with any mass
  for (let i = cdf.length - 1; i > 0; i--) if (cdf[i] > cdf[i - 1]) return i;
  return 0;
}

/** The same sentences with each word's tag replaced by its type's control tag. */
export function controlTask(task: ProbeTask, seed: number): ProbeTask {
  const cdf = empiricalCdf(task);
  const memo = new Map<string, number>();
  const tagOf = (word: string) => {
    const type = wordType(word);
    let t = memo.get(type);
    if (t === undefined) {
      t = controlTag(type, cdf, seed);
      memo.set(type, t);
    }
    return t;
  };
  const convert = (s: ProbeSentence): ProbeSentence => ({ ...s, tags: s.words.map(tagOf) });
  const out = { name: `control(${task.name})`, labels: task.labels } as ProbeTask;
  for (const split of SPLITS) out[split] = task[split].map(convert);
  return out;
}
