/**
 * Runs the model over a split's sentences once and keeps one row per word for every requested layer
 * (the forward pass yields all layers at once, so probing five layers costs one pass, not five).
 */

import { yieldToHost } from '../../util/yield.js';
import { alignTokens, type Pooling, poolWord, textOfWords, wordsOfText } from './features.js';
import type { HiddenStateModel } from './hidden.js';
import type { ProbeSentence } from './task.js';

export interface WordFeatures {
  /** one [n × dim] matrix per requested layer, in the order of `layers` */
  x: Float32Array[];
  layers: number[];
  n: number;
  dim: number;
  /** sentence index of each row */
  sentence: Int32Array;
  /** word index (within its sentence) of each row */
  word: Int32Array;
  /** words the tokenizer gave no token (dropped from training and scoring) */
  dropped: number;
  /** sub-word tokens seen, special ones included */
  tokens: number;
}

function wordSpans(s: ProbeSentence) {
  if (s.text === undefined) return textOfWords(s.words);
  return { text: s.text, spans: wordsOfText(s.text).spans };
}

export async function extractWordFeatures(
  model: HiddenStateModel,
  sentences: ProbeSentence[],
  layers: number[],
  pooling: Pooling,
  batchSize = 32,
): Promise<WordFeatures> {
  const dim = model.dim;
  // Tokenize and align everything first, so each sentence's rows have a fixed place (sentence order)
  // and states can be pooled batch by batch without holding a whole split's states in memory. Past
  // the model's limit the tail is cut: words left without tokens are dropped, not guessed.
  let n = 0;
  let dropped = 0;
  let tokens = 0;
  const prepared = sentences.map((s) => {
    const { text, spans } = wordSpans(s);
    const enc = model.encode(text);
    const keep = Math.min(enc.ids.length, model.maxTokens);
    const align = alignTokens(spans, enc.tokens.slice(0, keep));
    const first = n;
    for (const a of align) {
      if (a.length) n++;
      else dropped++;
    }
    tokens += keep;
    return { ids: enc.ids.slice(0, keep), align, first };
  });
  const x = layers.map(() => new Float32Array(n * dim));
  const sentence = new Int32Array(n);
  const word = new Int32Array(n);
  await forwardAll(
    model,
    prepared.map((p) => p.ids),
    batchSize,
    (si, states) => {
      let row = prepared[si].first;
      prepared[si].align.forEach((toks, w) => {
        if (toks.length === 0) return;
        layers.forEach((layer, li) => {
          poolWord(states[layer], dim, toks, pooling, x[li], row * dim);
        });
        sentence[row] = si;
        word[row] = w;
        row++;
      });
    },
  );
  return { x, layers, n, dim, sentence, word, dropped, tokens };
}

/**
 * Runs every sequence and hands each one's states to `use`: in padded batches of similar lengths when
 * the model can batch (sorted by length, so little is padding), else one pass each. Batches follow
 * from the lengths alone, so the same sentences always meet the same batch-mates: reproducible.
 */
/** Padded tokens per batched forward pass. */
const BATCH_TOKENS = 256;

async function forwardAll(
  model: HiddenStateModel,
  ids: number[][],
  batchSize: number,
  use: (index: number, states: Float32Array[]) => void,
): Promise<void> {
  if (!model.runBatch || batchSize <= 1) {
    for (let i = 0; i < ids.length; i++) {
      use(i, await model.run(ids[i]));
      await yieldToHost(); // let other requests in between passes
    }
    return;
  }
  const order = ids.map((_, i) => i).sort((a, b) => ids[a].length - ids[b].length || a - b);
  for (let from = 0; from < order.length; ) {
    // At most `batchSize` sequences and BATCH_TOKENS padded tokens: a language model's logits alone
    // are tokens × vocabulary floats (32 sentences × 60 tokens × 8k words = 61 MB), and ORT computes
    // every output whether fetched or not.
    let to = from + 1;
    while (
      to < order.length &&
      to - from < batchSize &&
      (to - from + 1) * ids[order[to]].length <= BATCH_TOKENS
    )
      to++;
    const chunk = order.slice(from, to);
    from = to;
    const states = await model.runBatch(chunk.map((i) => ids[i]));
    chunk.forEach((i, k) => {
      use(i, states[k]);
    });
    await yieldToHost();
  }
}

/** The label of each row under a task's tags (task and control share the rows). */
export function rowLabels(f: WordFeatures, sentences: ProbeSentence[]): Int32Array {
  const y = new Int32Array(f.n);
  for (let i = 0; i < f.n; i++) y[i] = sentences[f.sentence[i]].tags[f.word[i]];
  return y;
}

/** Correct predictions and words per sentence, for the bootstrap. */
export function perSentence(
  f: WordFeatures,
  sentences: number,
  y: Int32Array,
  predicted: Int32Array,
): { correct: number[]; total: number[] } {
  const correct = new Array<number>(sentences).fill(0);
  const total = new Array<number>(sentences).fill(0);
  for (let i = 0; i < f.n; i++) {
    total[f.sentence[i]]++;
    if (y[i] === predicted[i]) correct[f.sentence[i]]++;
  }
  return { correct, total };
}
