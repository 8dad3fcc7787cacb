/**
 * Hand-written `tokenizer.json` / `tokenizer_config.json` for the tiny models, in the format the
 * Rust `tokenizers` library saves (so Python transformers, transformers.js and @huggingface/tokenizers
 * all read them):
 * - WordPiece (BERT-style) with letters, digits, ASCII punctuation and `##`-letters, so any ASCII
 *   word tokenizes without [UNK];
 * - byte-level BPE (GPT-2-style) over the 256 byte symbols, so any Unicode text tokenizes without UNK.
 */

// biome-ignore lint/suspicious/noExplicitAny: tokenizer files are loosely typed JSON documents.
export type Json = any;

export interface TinyTokenizer {
  tokenizerJson: Json;
  tokenizerConfig: Json;
  vocabSize: number;
  /** Id of each special token by its text. */
  special: Record<string, number>;
}

/** ~200 common English words, plus some for sentiment (the classifier) and translation examples. */
const WORDS = `
the of and to in is was he for it with as his on be at by had that are but from or not
this have an they which one you were her all she there would their we him been has when who will more
no if out so said what up its about into than them can only other new some could time these two may
then do first any my now such like our over man me even most made after also did many before must
through back years where much your way well down should because each just those people how too little
state good very make world still own see men work long get here between both life being under never
day same another know while last might us great old year off come since against go came right used
take three movie film book story love hate bad best worst fine happy sad boring amazing terrible
awesome beautiful excellent poor nice loved liked enjoyed hated music food place service friend house
water city school country hello world today yesterday tomorrow morning night cat dog car red
blue green big small tree sun moon sky thank thanks please yes sorry language model attention
translate translation sentence word text summary source target question answer
`;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');
const DIGITS = '0123456789'.split('');
/** Every ASCII punctuation character: BertPreTokenizer splits each into its own token. */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'.split('');
const SUFFIXES = ['s', 'ed', 'ing', 'ly', 'er', 'est', 'ness', 'ment', 'tion'];

function addedToken(id: number, content: string): Json {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** A WordPiece vocabulary: `specials` first (ids 0…), then single characters, words, `##` pieces. */
function wordPieceVocab(specials: string[]): Record<string, number> {
  const vocab: Record<string, number> = {};
  const words = WORDS.split(/\s+/).filter(Boolean);
  const pieces = [...LETTERS, ...DIGITS, ...SUFFIXES].map((p) => `##${p}`);
  for (const t of [...specials, ...PUNCTUATION, ...DIGITS, ...LETTERS, ...words, ...pieces]) {
    if (!(t in vocab)) vocab[t] = Object.keys(vocab).length;
  }
  return vocab;
}

function special(token: string, vocab: Record<string, number>): Json {
  return { id: token, ids: [vocab[token]], tokens: [token] };
}

interface WordPieceSpec {
  specials: string[];
  unk: string;
  /** Tokens around the sequence: BERT `[CLS] $A [SEP]`, Marian `$A </s>`. */
  prefix: string[];
  suffix: string[];
}

function wordPieceJson(spec: WordPieceSpec): { json: Json; vocab: Record<string, number> } {
  const vocab = wordPieceVocab(spec.specials);
  const tok = (id: string, type_id: number) => ({ SpecialToken: { id, type_id } });
  const seq = (id: string, type_id: number) => ({ Sequence: { id, type_id } });
  const single = [...spec.prefix.map((t) => tok(t, 0)), seq('A', 0), ...spec.suffix.map((t) => tok(t, 0))];
  const pair = [...single, seq('B', 1), ...spec.suffix.map((t) => tok(t, 1))];
  const templated = [...new Set([...spec.prefix, ...spec.suffix])];
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: spec.specials.map((t) => addedToken(vocab[t], t)),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single,
      pair,
      special_tokens: Object.fromEntries(templated.map((t) => [t, special(t, vocab)])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: spec.unk,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
  return { json, vocab };
}

export function tinyBertTokenizer(): TinyTokenizer {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const { json, vocab } = wordPieceJson({ specials, unk: '[UNK]', prefix: ['[CLS]'], suffix: ['[SEP]'] });
  return {
    tokenizerJson: json,
    tokenizerConfig: {
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      strip_accents: null,
      tokenize_chinese_chars: true,
      model_max_length: 512,
      clean_up_tokenization_spaces: true,
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      mask_token: '[MASK]',
    },
    vocabSize: Object.keys(vocab).length,
    special: Object.fromEntries(specials.map((t) => [t, vocab[t]])),
  };
}

/**
 * Marian ships a SentencePiece model; a WordPiece tokenizer with Marian's special tokens stands in
 * for it. `PreTrainedTokenizerFast` is the generic class: transformers.js' MarianTokenizer would warn on
 * every load that it is not a "fast" tokenizer.
 */
export function tinyMarianTokenizer(): TinyTokenizer {
  const specials = ['<pad>', '</s>', '<unk>'];
  const { json, vocab } = wordPieceJson({ specials, unk: '<unk>', prefix: [], suffix: ['</s>'] });
  return {
    tokenizerJson: json,
    tokenizerConfig: {
      tokenizer_class: 'PreTrainedTokenizerFast',
      model_max_length: 512,
      clean_up_tokenization_spaces: true,
      pad_token: '<pad>',
      eos_token: '</s>',
      unk_token: '<unk>',
    },
    vocabSize: Object.keys(vocab).length,
    special: Object.fromEntries(specials.map((t) => [t, vocab[t]])),
  };
}

/** GPT-2's byte → printable character table (bytes_to_unicode), in GPT-2's vocabulary order. */
export function byteSymbols(): [number, string][] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const out: [number, string][] = printable.map((b) => [b, String.fromCharCode(b)]);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!printable.includes(b)) out.push([b, String.fromCharCode(256 + n++)]);
  }
  return out;
}

/** Merges for frequent English pieces, in priority order ('Ġ' is the space byte). */
const GPT2_MERGES = `
Ġ t|h e|Ġ a|i n|Ġt he|e r|o n|Ġ s|r e|Ġ w|a t|e n|Ġ o|Ġ c|i s|i t|o u|Ġ b|Ġ f|Ġ p|a n|in g|Ġo f|Ġa n|Ġan d
|Ġ i|Ġi n|Ġi s|Ġt o|Ġ m|Ġ h|Ġ d|e l|el l|ell o|l l|o r|e d|Ġ l|Ġ n|Ġ T|a s|Ġw as|Ġt h|Ġth at|Ġw it|Ġwit h
|Ġf or|Ġo n|Ġb e|Ġ H|ĠH ello|Ġh e|Ġ g|Ġg o|o d|Ġgo od|Ġ y|Ġy ou|Ġw or|Ġwor l|Ġworl d
`;

export function tinyGpt2Tokenizer(): TinyTokenizer {
  const vocab: Record<string, number> = {};
  for (const [, ch] of byteSymbols()) vocab[ch] = Object.keys(vocab).length;
  const merges: string[] = [];
  for (const m of GPT2_MERGES.split('|').map((s) => s.trim())) {
    const [a, b] = m.split(' ');
    if (!(a in vocab) || !(b in vocab)) throw new Error(`merge "${m}": a part is not in the vocabulary yet`);
    if (a + b in vocab) throw new Error(`merge "${m}" repeats an earlier one`);
    merges.push(m);
    vocab[a + b] = Object.keys(vocab).length;
  }
  const eos = '<|endoftext|>';
  const eosId = Object.keys(vocab).length;
  vocab[eos] = eosId;
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    tokenizerJson: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [addedToken(eosId, eos)],
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
      post_processor: { type: 'ByteLevel', ...byteLevel, trim_offsets: false },
      decoder: { type: 'ByteLevel', ...byteLevel },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: '',
        end_of_word_suffix: '',
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab,
        merges,
      },
    },
    tokenizerConfig: {
      tokenizer_class: 'GPT2Tokenizer',
      model_max_length: 512,
      add_prefix_space: false,
      clean_up_tokenization_spaces: false,
      bos_token: eos,
      eos_token: eos,
      unk_token: eos,
    },
    vocabSize: eosId + 1,
    special: { [eos]: eosId },
  };
}
