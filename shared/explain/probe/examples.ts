/**
 * Probing on labelled data the caller sends: `{ examples: [{ text, labels }], layer? }`, one label per
 * whitespace-separated word of `text`. Everything is checked before any model work (clear
 * `ProbeInputError` codes), the examples are split train / dev / test with a seeded shuffle, and the
 * same runner as the built-in task trains and scores the probe (with its control task and baseline).
 */
import type { LoadedModel } from '../../runtime/model.js';
import { Rng } from '../../util/random.js';
import { ProbeInputError } from './errors.js';
import { wordsOfText } from './features.js';
import { type HiddenStateModel, hiddenStateModel, isHiddenStateModel } from './hidden.js';
import { checkLayers, type ProbeOptions, type ProbeResult, runProbe } from './run.js';
import type { ProbeSentence, ProbeTask } from './task.js';
import { shuffled } from './train.js';

export interface ProbeExample {
  text: string;
  labels: string[];
}

export interface ExamplesRequest {
  examples: ProbeExample[];
  /** one layer to probe; default every layer */
  layer?: number;
}

export interface ExampleLimits {
  /** examples per request, default 500 */
  maxExamples: number;
  /** labels (= words) over all examples, default 5000 */
  maxLabels: number;
  /** distinct labels, default 50 */
  maxClasses: number;
  /** words in one example, default 128 */
  maxWordsPerExample: number;
  /** tokens in one example; default (and at most) the model's own limit */
  maxTokensPerExample?: number;
}

export const DEFAULT_EXAMPLE_LIMITS: ExampleLimits = {
  maxExamples: 500,
  maxLabels: 5000,
  maxClasses: 50,
  maxWordsPerExample: 128,
};

/** Shares of the examples held out; each split gets at least one example. */
const TEST_SHARE = 0.2;
const DEV_SHARE = 0.1;
const MIN_EXAMPLES = 3;

/** Validates a request and builds the task (labels sorted, so label order never depends on input order). */
export function examplesTask(
  req: ExamplesRequest,
  seed: number,
  limits: Partial<ExampleLimits> = {},
): ProbeTask {
  const lim = { ...DEFAULT_EXAMPLE_LIMITS, ...limits };
  const examples = req?.examples;
  if (!Array.isArray(examples) || examples.length === 0)
    throw new ProbeInputError('no_examples', 'send at least one example: { examples: [{ text, labels }] }');
  if (examples.length > lim.maxExamples)
    throw new ProbeInputError('too_many_examples', `${examples.length} examples; at most ${lim.maxExamples}`);
  const parsed: { words: string[]; labels: string[]; text: string }[] = [];
  let totalLabels = 0;
  examples.forEach((ex, i) => {
    if (typeof ex?.text !== 'string' || ex.text.trim() === '')
      throw new ProbeInputError('empty_example', `example ${i} has no text`);
    if (!Array.isArray(ex.labels) || ex.labels.some((l) => typeof l !== 'string' || l === ''))
      throw new ProbeInputError(
        'labels_mismatch',
        `example ${i}: labels must be a list of non-empty strings`,
      );
    const { words } = wordsOfText(ex.text);
    if (words.length > lim.maxWordsPerExample)
      throw new ProbeInputError(
        'example_too_long',
        `example ${i} has ${words.length} words; at most ${lim.maxWordsPerExample}`,
      );
    if (ex.labels.length !== words.length)
      throw new ProbeInputError(
        'labels_mismatch',
        `example ${i} has ${words.length} whitespace-separated words but ${ex.labels.length} labels; ` +
          'send one label per word',
      );
    totalLabels += ex.labels.length;
    if (totalLabels > lim.maxLabels)
      throw new ProbeInputError(
        'too_many_labels',
        `more than ${lim.maxLabels} labels in all; send fewer words`,
      );
    parsed.push({ words, labels: ex.labels, text: ex.text });
  });
  const labels = [...new Set(parsed.flatMap((p) => p.labels))].sort();
  if (labels.length > lim.maxClasses)
    throw new ProbeInputError(
      'too_many_classes',
      `${labels.length} distinct labels; at most ${lim.maxClasses}`,
    );
  if (labels.length < 2)
    throw new ProbeInputError(
      'too_few_classes',
      'the examples use one label only; a probe needs at least two',
    );
  if (parsed.length < MIN_EXAMPLES)
    throw new ProbeInputError(
      'too_few_examples',
      `${parsed.length} examples; at least ${MIN_EXAMPLES} (train, dev and test each need one)`,
    );
  const index = new Map(labels.map((l, i) => [l, i]));
  const sentences: ProbeSentence[] = parsed.map((p) => ({
    words: p.words,
    tags: p.labels.map((l) => index.get(l)!),
    text: p.text,
  }));
  const order = shuffled(sentences.length, new Rng(seed));
  const nTest = Math.max(1, Math.round(TEST_SHARE * sentences.length));
  const nDev = Math.max(1, Math.round(DEV_SHARE * sentences.length));
  const pick = (from: number, to: number) => Array.from(order.subarray(from, to), (i) => sentences[i]);
  return {
    name: 'examples',
    labels,
    test: pick(0, nTest),
    dev: pick(nTest, nTest + nDev),
    train: pick(nTest + nDev, sentences.length),
  };
}

export interface ExamplesOptions extends Omit<ProbeOptions, 'layers'> {
  limits?: Partial<ExampleLimits>;
}

export async function runProbeOnExamples(
  model: LoadedModel | HiddenStateModel,
  req: ExamplesRequest,
  opts: ExamplesOptions = {},
): Promise<ProbeResult> {
  const seed = opts.seed ?? 0;
  const task = examplesTask(req, seed, opts.limits);
  const source = isHiddenStateModel(model) ? model : hiddenStateModel(model);
  const layers = req.layer === undefined ? undefined : checkLayers([req.layer], source.layers);
  // Tokens, not words, are what the model limits: refuse a text it would have to cut (checked
  // before any forward pass; tokenizing is cheap).
  const maxTokens = Math.min(source.maxTokens, opts.limits?.maxTokensPerExample ?? Infinity);
  req.examples.forEach((ex, i) => {
    const n = source.encode(ex.text).ids.length;
    if (n > maxTokens)
      throw new ProbeInputError(
        'example_too_long',
        `example ${i} is ${n} tokens long; this model takes ${maxTokens}`,
      );
  });
  return runProbe(source, task, { ...opts, seed, layers });
}
