/**
 * The built-in task: part of speech on a fixed sample of the Brown corpus
 * (models/probe-data/brown-pos.json, written by scripts/build-probe-data.ts). The host loads that
 * JSON however it loads files (import, asset binding, fetch) and hands it here; the core reads no
 * files. Two label sets: the 12 universal tags and the Brown tags themselves (`fine`).
 */
import { ProbeInputError } from './errors.js';
import { type ProbeSentence, type ProbeTask, SPLITS, type SplitName } from './task.js';

export interface BrownPosSentence {
  /** Brown file id, e.g. `ca01` (its letter is the genre) */
  file: string;
  /** Brown tokens, space-joined */
  words: string;
  /** universal tags, space-joined, one per word */
  universal: string;
  /** Brown tags without headline/title marks, space-joined */
  fine: string;
}

export interface BrownPosData {
  schema: 'attn-heatmap/probe-data@1';
  task: 'pos';
  source: string;
  split: string;
  sampling: string;
  tagsets: { universal: string[]; fine: string[] };
  sentences: Record<SplitName, BrownPosSentence[]>;
}

export type PosTagset = 'universal' | 'fine';

export interface PosTaskOptions {
  tagset?: PosTagset;
  /** at most this many sentences per split, evenly spaced over the split (which is in corpus order, so all genres stay) */
  limits?: Partial<Record<SplitName, number>>;
}

export function brownPosTask(data: BrownPosData, opts: PosTaskOptions = {}): ProbeTask {
  const tagset = opts.tagset ?? 'universal';
  if (data?.schema !== 'attn-heatmap/probe-data@1')
    throw new ProbeInputError('bad_task_data', 'the POS data is not attn-heatmap/probe-data@1');
  const labels = data.tagsets[tagset];
  const index = new Map(labels.map((l, i) => [l, i]));
  const convert = (s: BrownPosSentence): ProbeSentence => {
    const words = s.words.split(' ');
    const tags = s[tagset].split(' ').map((t) => {
      const i = index.get(t);
      if (i === undefined)
        throw new ProbeInputError('bad_task_data', `tag ${t} is not in the ${tagset} tagset`);
      return i;
    });
    if (tags.length !== words.length)
      throw new ProbeInputError(
        'bad_task_data',
        `a sentence of ${s.file} has ${words.length} words and ${tags.length} tags`,
      );
    return { words, tags, source: s.file };
  };
  const task = { name: `pos-${tagset}`, labels } as ProbeTask;
  for (const split of SPLITS) {
    const limit = opts.limits?.[split];
    const sentences = data.sentences[split];
    task[split] = evenly(sentences, limit).map(convert);
  }
  return task;
}

/** `limit` items spread evenly over `items` (all of them when there are no more than `limit`). */
export function evenly<T>(items: T[], limit?: number): T[] {
  if (limit === undefined || limit >= items.length) return items;
  return Array.from({ length: Math.max(0, limit) }, (_, i) => items[Math.floor((i * items.length) / limit)]);
}
