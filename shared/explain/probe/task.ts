/**
 * A probing task: sentences of whitespace-separated words, one label per word, split into train /
 * dev (early stopping) / test. The built-in POS task, its control task and caller-sent examples
 * all take this shape, so one runner serves them all.
 */

export interface ProbeSentence {
  words: string[];
  /** label index per word, into `ProbeTask.labels` */
  tags: number[];
  /** where it came from (a Brown file id), for reports */
  source?: string;
  /**
   * The text the model reads, when the words came from it (caller-sent examples: its
   * whitespace-separated words). Without it the words are joined by single spaces.
   */
  text?: string;
}

export interface ProbeTask {
  /** e.g. `pos-universal`, `pos-fine`, `control(pos-universal)`, `examples` */
  name: string;
  labels: string[];
  train: ProbeSentence[];
  dev: ProbeSentence[];
  test: ProbeSentence[];
}

export type SplitName = 'train' | 'dev' | 'test';
export const SPLITS: SplitName[] = ['train', 'dev', 'test'];

/**
 * Word type key for per-word statistics (control task, majority baseline): lowercase, so that
 * "The" and "the" are one type, as they are for the uncased models we serve.
 */
export function wordType(word: string): string {
  return word.toLowerCase();
}
