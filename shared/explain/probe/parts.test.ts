/**
 * The probing pieces on their own: the Brown → universal tag map, the committed data file, the
 * control task, the baseline, the bootstrap, word alignment of sub-word tokens (WordPiece and
 * byte-level BPE), and the two probes on data whose answer is known.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../../models/tiny/bert.js';
import { buildTinyGpt2 } from '../../../models/tiny/gpt2.js';
import { TextTokenizer } from '../../runtime/tokenizer.js';
import { Rng } from '../../util/random.js';
import { majorityBaseline } from './baseline.js';
import { accuracyWithCi } from './bootstrap.js';
import { predict } from './classifier.js';
import { controlTask } from './control.js';
import { alignTokens, poolWord, textOfWords, wordsOfText } from './features.js';
import { LogisticRegression } from './logistic.js';
import { MlpClassifier } from './mlp.js';
import { type BrownPosData, brownPosTask, evenly } from './pos-task.js';
import type { ProbeTask } from './task.js';
import { trainClassifier } from './train.js';
import { brownFineTag, brownToUniversal, UNIVERSAL_TAGS } from './universal-tags.js';

const data = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../models/probe-data/brown-pos.json'), 'utf8'),
) as BrownPosData;

describe('Brown → universal tags', () => {
  it.each([
    ['at', 'DET'],
    ['np-tl', 'NOUN'],
    ['nn-tl-hl', 'NOUN'],
    ['np$', 'NOUN'],
    ['pp$', 'DET'],
    ['ppss+md', 'PRON'],
    ['md*', 'VERB'],
    ['bedz*', 'VERB'],
    ['fw-nn', 'X'],
    ['fw-in+at-t', 'X'],
    ['cs', 'ADP'],
    ['cc', 'CONJ'],
    ['cd', 'NUM'],
    ['od', 'ADJ'],
    ['*', 'PRT'],
    ['to', 'PRT'],
    ['``', '.'],
    ["''", '.'],
    ['--', '.'],
    ['wrb+bez', 'ADV'],
    ['nil', 'X'],
  ])('%s → %s', (tag, universal) => {
    expect(brownToUniversal(tag)).toBe(universal);
  });

  it('fine tags drop headline/title marks and collapse foreign words', () => {
    expect(brownFineTag('nn-tl')).toBe('NN');
    expect(brownFineTag('fw-nn-tl')).toBe('FW');
    expect(brownFineTag('ppss+md')).toBe('PPSS+MD');
  });

  it('the committed sample: fixed split by file id, sizes, one tag per word, both tagsets', () => {
    expect(data.tagsets.universal).toEqual([...UNIVERSAL_TAGS]);
    expect(Object.fromEntries(Object.entries(data.sentences).map(([k, v]) => [k, v.length]))).toEqual({
      train: 1500,
      dev: 300,
      test: 500,
    });
    const digit = (f: string) => Number(f.slice(2)) % 10;
    expect(data.sentences.test.every((s) => digit(s.file) === 0)).toBe(true);
    expect(data.sentences.dev.every((s) => digit(s.file) === 5)).toBe(true);
    expect(data.sentences.train.every((s) => digit(s.file) !== 0 && digit(s.file) !== 5)).toBe(true);
    for (const s of Object.values(data.sentences).flat()) {
      const n = s.words.split(' ').length;
      expect(n).toBeLessThanOrEqual(40);
      expect(s.universal.split(' ')).toHaveLength(n);
      expect(s.fine.split(' ')).toHaveLength(n);
    }
    // every genre with a file numbered x0 (13 of the 15: cm and cr have fewer than ten files) is tested
    expect(new Set(data.sentences.test.map((s) => s.file[1])).size).toBe(13);
    const fine = brownPosTask(data, { tagset: 'fine', limits: { train: 10, dev: 5, test: 5 } });
    expect(fine.labels).toContain('NN');
    expect(fine.train).toHaveLength(10);
  });

  it('limits take sentences spread over the whole split', () => {
    expect(evenly([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([0, 3, 6]);
    expect(evenly([1, 2], 5)).toEqual([1, 2]);
  });
});

describe('control task and baseline', () => {
  const task = brownPosTask(data, { limits: { train: 400, dev: 50, test: 100 } });

  it('gives each word type one tag everywhere, seeded, with the training tag distribution', () => {
    const c1 = controlTask(task, 1);
    const c2 = controlTask(task, 1);
    const c3 = controlTask(task, 2);
    expect(c2).toEqual(c1);
    expect(c3.train).not.toEqual(c1.train);
    const seen = new Map<string, number>();
    for (const split of ['train', 'dev', 'test'] as const) {
      for (const s of c1[split]) {
        s.words.forEach((w, i) => {
          const t = seen.get(w.toLowerCase());
          if (t !== undefined) expect(s.tags[i]).toBe(t);
          seen.set(w.toLowerCase(), s.tags[i]);
        });
      }
    }
    // a type's tag does not depend on which sentences the task holds
    const smaller = controlTask(brownPosTask(data, { limits: { train: 50, dev: 5, test: 5 } }), 1);
    const tagOf = (t: ProbeTask, word: string) => {
      for (const s of t.train) {
        const i = s.words.indexOf(word);
        if (i >= 0) return s.tags[i];
      }
      return undefined;
    };
    expect(tagOf(smaller, 'the')).toBe(tagOf(c1, 'the'));
    // tags are drawn per type from the training tag distribution: NOUN, the commonest tag, is also
    // the commonest among the types' control tags
    const byType = new Map<string, number>();
    for (const s of c1.train) {
      s.words.forEach((w, i) => {
        byType.set(w.toLowerCase(), s.tags[i]);
      });
    }
    const counts = new Array(task.labels.length).fill(0);
    for (const t of byType.values()) counts[t]++;
    expect(task.labels[counts.indexOf(Math.max(...counts))]).toBe('NOUN');
  });

  it('majority tag per word beats the most frequent tag and stays below 100%', () => {
    const b = majorityBaseline(task);
    const acc = b.correct.reduce((a, v) => a + v, 0) / b.total.reduce((a, v) => a + v, 0);
    expect(acc).toBeGreaterThan(0.75);
    expect(acc).toBeLessThan(0.97);
  });
});

describe('bootstrap', () => {
  it('is seeded, brackets the accuracy and narrows with more sentences', () => {
    const rng = new Rng(4);
    const make = (n: number) => {
      const total = Array.from({ length: n }, () => 5 + Math.floor(rng.next() * 20));
      const correct = total.map((t) => Math.round(t * (0.6 + 0.3 * rng.next())));
      return { correct, total };
    };
    const small = make(50);
    const large = make(2000);
    const a = accuracyWithCi(small.correct, small.total, { seed: 1 });
    expect(accuracyWithCi(small.correct, small.total, { seed: 1 })).toEqual(a);
    expect(a.ci[0]).toBeLessThan(a.accuracy);
    expect(a.ci[1]).toBeGreaterThan(a.accuracy);
    const b = accuracyWithCi(large.correct, large.total, { seed: 1 });
    expect(b.ci[1] - b.ci[0]).toBeLessThan((a.ci[1] - a.ci[0]) / 3);
    expect(accuracyWithCi([], [], { seed: 1 })).toEqual({ accuracy: 0, ci: [0, 0] });
  });
});

describe('word features from sub-word tokens', () => {
  const tok = (files: Record<string, Uint8Array | string>) =>
    new TextTokenizer(
      JSON.parse(files['tokenizer.json'] as string),
      JSON.parse(files['tokenizer_config.json'] as string),
    );

  it('renders Brown words (quotes as ") and finds words in a text', () => {
    expect(textOfWords(['``', 'Hi', "''", '.'])).toEqual({
      text: '" Hi " .',
      spans: [
        { start: 0, end: 1 },
        { start: 2, end: 4 },
        { start: 5, end: 6 },
        { start: 7, end: 8 },
      ],
    });
    expect(wordsOfText('  a  bc\td ').words).toEqual(['a', 'bc', 'd']);
  });

  it.each([
    ['WordPiece (tiny-bert)', buildTinyBert().files],
    ['byte-level BPE (tiny-gpt2)', buildTinyGpt2().files],
  ])('maps %s tokens to words; special tokens belong to none', (_, files) => {
    const t = tok(files);
    const { text, spans } = textOfWords(['The', 'xylophonist', 'played', ',', "Atlanta's", 'music']);
    const enc = t.encode(text);
    const align = alignTokens(spans, enc.tokens);
    expect(align).toHaveLength(6);
    for (const [w, toks] of align.entries()) {
      expect(toks.length).toBeGreaterThan(0);
      for (const i of toks) expect(enc.tokens[i].special).toBe(false);
      // the word's tokens spell it (case and the byte-level space prefix aside)
      const first = enc.tokens[toks[0]];
      expect(first.start).toBeLessThanOrEqual(spans[w].start);
    }
    // every token that spells some of the text is in exactly one word (a byte-level token that is
    // only the space between words, `Ġ`, belongs to none)
    const used = align.flat().sort((a, b) => a - b);
    const spelling = enc.tokens
      .map((x, i) => (!x.special && text.slice(x.start, x.end).trim() !== '' ? i : -1))
      .filter((i) => i >= 0);
    expect(used).toEqual(spelling);
    // the rare word is split into several pieces
    expect(align[1].length).toBeGreaterThan(1);
  });

  it('pools the first sub-word or the mean', () => {
    const hidden = Float32Array.from([1, 2, 3, 4, 5, 6]); // 3 tokens × 2
    const out = new Float32Array(4);
    expect(poolWord(hidden, 2, [1, 2], 'first', out, 0)).toBe(true);
    expect(poolWord(hidden, 2, [1, 2], 'mean', out, 2)).toBe(true);
    expect(Array.from(out)).toEqual([3, 4, 4, 5]);
    expect(poolWord(hidden, 2, [], 'first', out, 0)).toBe(false);
  });
});

describe('probes on data with a known answer', () => {
  /** Three Gaussian classes in 20 dims, linearly separable up to noise; plus XOR, which is not. */
  function blobs(n: number, seed: number, xor = false) {
    const rng = new Rng(seed);
    const dim = 20;
    const x = new Float32Array(n * dim);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (xor) {
        const a = rng.next() < 0.5 ? -1 : 1;
        const b = rng.next() < 0.5 ? -1 : 1;
        y[i] = a * b > 0 ? 1 : 0;
        x[i * dim] = a + 0.1 * rng.normal();
        x[i * dim + 1] = b + 0.1 * rng.normal();
        for (let k = 2; k < dim; k++) x[i * dim + k] = rng.normal();
      } else {
        y[i] = Math.floor(rng.next() * 3);
        for (let k = 0; k < dim; k++) x[i * dim + k] = rng.normal() + (k === y[i] ? 3 : 0);
      }
    }
    return { data: { x, n, dim }, y };
  }
  const accuracy = (p: Int32Array, y: Int32Array) => p.filter((v, i) => v === y[i]).length / y.length;

  it('logistic regression separates linear classes; deterministically', async () => {
    const train = blobs(3000, 1);
    const dev = blobs(500, 2);
    const test = blobs(1000, 3);
    const m1 = new LogisticRegression(20, 3);
    const r1 = await trainClassifier(m1, train, dev, { seed: 1 });
    const m2 = new LogisticRegression(20, 3);
    const r2 = await trainClassifier(m2, train, dev, { seed: 1 });
    expect(r2).toEqual(r1);
    expect(m2.params).toEqual(m1.params);
    expect(accuracy(predict(m1, test.data), test.y)).toBeGreaterThan(0.95);
    expect(r1.bestEpoch).toBeGreaterThan(0);
  });

  it('the MLP learns XOR, which the linear probe cannot', async () => {
    const train = blobs(2000, 4, true);
    const dev = blobs(400, 5, true);
    const test = blobs(800, 6, true);
    const lin = new LogisticRegression(20, 2);
    await trainClassifier(lin, train, dev, { seed: 1 });
    const mlp = new MlpClassifier(20, 2, 16, 3);
    await trainClassifier(mlp, train, dev, { seed: 1, lr: 0.01 });
    expect(accuracy(predict(lin, test.data), test.y)).toBeLessThan(0.65);
    expect(accuracy(predict(mlp, test.data), test.y)).toBeGreaterThan(0.95);
  });
});
