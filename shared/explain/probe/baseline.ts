/**
 * The majority-tag-per-word baseline: each word type in the test set gets the tag it most often had
 * in training (ties → the lower label index, for determinism); a type never seen gets the most
 * frequent tag overall. What a probe must beat to show that context, not just word identity, helps.
 */
import { type ProbeSentence, type ProbeTask, wordType } from './task.js';

export interface SentenceScores {
  /** correct predictions per sentence */
  correct: number[];
  /** words per sentence */
  total: number[];
}

export function majorityTagger(task: ProbeTask): (word: string) => number {
  const perType = new Map<string, Float64Array>();
  const overall = new Float64Array(task.labels.length);
  for (const s of task.train) {
    s.words.forEach((w, i) => {
      const type = wordType(w);
      let c = perType.get(type);
      if (!c) {
        c = new Float64Array(task.labels.length);
        perType.set(type, c);
      }
      c[s.tags[i]]++;
      overall[s.tags[i]]++;
    });
  }
  const argmax = (c: Float64Array) => c.reduce((best, v, i) => (v > c[best] ? i : best), 0);
  const fallback = argmax(overall);
  const best = new Map([...perType].map(([type, c]) => [type, argmax(c)]));
  return (word) => best.get(wordType(word)) ?? fallback;
}

/** Per-sentence scores of the majority tagger on `sentences` (the test split by default). */
export function majorityBaseline(task: ProbeTask, sentences: ProbeSentence[] = task.test): SentenceScores {
  const tag = majorityTagger(task);
  const correct: number[] = [];
  const total: number[] = [];
  for (const s of sentences) {
    let c = 0;
    s.words.forEach((w, i) => {
      if (tag(w) === s.tags[i]) c++;
    });
    correct.push(c);
    total.push(s.words.length);
  }
  return { correct, total };
}
