"""brown-seq2seq: encoder-decoder (2+2 layers, d 96, tied embeddings) with two tasks chosen by a prefix,
both deterministic functions of a Brown sentence and its tags, so every output word has one known
source word (the gold alignment):

- `translate: ` into a synthetic language: clauses are split at punctuation and at coordinating /
  subordinating conjunctions (tags cc, cs); inside a clause a run of adjectives that directly precedes
  a run of nouns is moved after them, then every verb form (tags vb*, be*, hv*, do*, md) is moved to
  the end of the clause in order; finally ~40 frequent function words are mapped through a fixed
  dictionary (the → le, of → de, ...) and every other word is copied, lower-cased.
- `summarize: ` keeps the content words (nouns nn*/np*/nr*, adjectives jj*, lexical verbs vb*) in
  order and drops the rest.

Source and target texts are the Brown tokens joined by single spaces, so each word's WordPieces are
known. Metrics: exact match of greedy decoding, and the alignment error rate (AER) of the cross-
attention (head mean, each target piece linked to the source word of its argmax) against the gold
alignment, per task and decoder layer.

  nice -n 10 /usr/bin/python3 models/recipes/seq2seq.py
"""
import argparse
import json
import math
import os
import random
import re
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import brown  # noqa: E402
from nets import Seq2Seq  # noqa: E402

OUT = os.path.join(brown.ROOT, 'models', 'brown-seq2seq')
MAXLEN = 512
PREFIX = {'translate': 'translate:', 'summarize': 'summarize:'}
LEXICON = {
    'the': 'le', 'a': 'un', 'an': 'un', 'of': 'de', 'and': 'et', 'to': 'a', 'in': 'en', 'is': 'est',
    'that': 'que', 'for': 'pour', 'it': 'il', 'with': 'avec', 'was': 'etait', 'he': 'il', 'as': 'comme',
    'on': 'sur', 'his': 'son', 'be': 'etre', 'at': 'chez', 'by': 'par', 'i': 'je', 'this': 'ce',
    'had': 'avait', 'not': 'pas', 'are': 'sont', 'but': 'mais', 'from': 'depuis', 'or': 'ou', 'have': 'avoir',
    'they': 'ils', 'which': 'qui', 'you': 'vous', 'she': 'elle', 'her': 'sa', 'we': 'nous', 'were': 'etaient',
    'their': 'leur', 'will': 'va', 'there': 'la', 'been': 'ete', 'would': 'voudrait', 'all': 'tout',
}


def base_tag(tag):
    t = tag.lower()
    if t.startswith('fw-'):
        t = t[3:]
    t = t.split('-')[0]
    return t.rstrip('*$') or t


def is_noun(t):
    return t in ('nn', 'nns', 'np', 'nps', 'nr', 'nrs')


def is_adj(t):
    return t in ('jj', 'jjr', 'jjs', 'jjt')


def is_verb(t):
    return t.startswith(('vb', 'be', 'hv', 'do')) or t == 'md'


def is_punct(w):
    return all(not c.isalnum() for c in w)


def translate(sent):
    """[(target word, source index)]"""
    words = [w for w, _ in sent]
    tags = [base_tag(t) for _, t in sent]
    clauses, cur = [], []
    for i, (w, t) in enumerate(zip(words, tags)):
        if is_punct(w):
            if cur:
                clauses.append(cur)
            clauses.append([i])
            cur = []
        elif t in ('cc', 'cs') and cur:
            clauses.append(cur)
            cur = [i]
        else:
            cur.append(i)
    if cur:
        clauses.append(cur)
    order = []
    for c in clauses:
        # adjectives after the nouns they precede
        out, k = [], 0
        while k < len(c):
            j = k
            while j < len(c) and is_adj(tags[c[j]]):
                j += 1
            n = j
            while n < len(c) and is_noun(tags[c[n]]):
                n += 1
            if j > k and n > j:
                out += c[j:n] + c[k:j]
                k = n
            else:
                out.append(c[k])
                k += 1
        # verbs to the end of the clause
        out = [i for i in out if not is_verb(tags[i])] + [i for i in out if is_verb(tags[i])]
        order += out
    return [(LEXICON.get(clean(words[i]).lower(), clean(words[i]).lower()), i) for i in order]


def summarize(sent):
    return [(clean(w).lower(), i) for i, (w, t) in enumerate(sent)
            if not is_punct(w) and (is_noun(base_tag(t)) or is_adj(base_tag(t)) or base_tag(t).startswith('vb'))]


TASKS = {'translate': translate, 'summarize': summarize}


def clean(w):
    return '"' if w in ('``', "''") else w


class Pieces:
    def __init__(self, wp):
        self.wp = wp
        self.prefix = {k: wp.encode(v, special=False) for k, v in PREFIX.items()}

    def words(self, words):
        """ids and, for each id, the index of the word it came from."""
        ids, owner = [], []
        for i, w in enumerate(words):
            p = self.wp.encode(clean(w), special=False)
            ids += p
            owner += [i] * len(p)
        return ids, owner


def example(pc, task, sents):
    """One (possibly multi-sentence) example: source ids, target ids, gold links, word owners."""
    src_words, tgt = [], []
    for s in sents:
        off = len(src_words)
        tgt += [(w, i + off) for w, i in TASKS[task](s)]
        src_words += [w for w, _ in s]
    s_ids, s_own = pc.words(src_words)
    t_ids, t_own = pc.words([w for w, _ in tgt])
    pre = pc.prefix[task]
    src = [brown.CLS] + pre + s_ids + [brown.SEP]
    src_owner = [-1] * (1 + len(pre)) + s_own + [-1]
    return {
        'task': task, 'src': src, 'tgt': t_ids + [brown.SEP], 'src_owner': src_owner,
        'tgt_owner': t_own + [-1], 'links': sorted({(j, tgt[j][1]) for j in range(len(tgt))}),
        'source': ' '.join(clean(w) for w in src_words), 'target': ' '.join(w for w, _ in tgt),
    }


def examples(docs, pc, split, long_frac=0.0, rng=None, long_only=False):
    out = []
    for fid, _, sents in docs:
        if brown.split_of(fid) != split:
            continue
        for task in TASKS:
            if not long_only:
                for s in sents:
                    e = example(pc, task, [s])
                    if len(e['src']) <= MAXLEN and len(e['tgt']) < MAXLEN:
                        out.append(e)
            if long_frac or long_only:
                i = 0
                while i < len(sents):
                    target = rng.randint(64, 440) if not long_only else 440
                    group, n = [], 0
                    while i < len(sents):
                        k = len(pc.words([w for w, _ in sents[i]])[0])
                        if n + k > target and group:
                            break
                        group.append(sents[i])
                        n += k
                        i += 1
                    e = example(pc, task, group)
                    if len(e['src']) <= MAXLEN and len(e['tgt']) < MAXLEN and (not long_only or n >= 300):
                        out.append(dict(e, long=True))
    return out


def pad(seqs, v=0):
    T = max(len(s) for s in seqs)
    x = torch.full((len(seqs), T), v, dtype=torch.long)
    for r, s in enumerate(seqs):
        x[r, :len(s)] = torch.tensor(s)
    return x


def batch_tensors(exs, device):
    src = pad([e['src'] for e in exs])
    dec_in = pad([[brown.CLS] + e['tgt'][:-1] for e in exs])
    tgt = pad([e['tgt'] for e in exs], -100)
    return src.to(device), (src != 0).long().to(device), dec_in.to(device), tgt.to(device)


def batches(exs, tokens, rng):
    order = sorted(range(len(exs)), key=lambda i: (len(exs[i]['src']), rng.random()))
    out, cur = [], []
    for i in order:
        if cur and (len(cur) + 1) * len(exs[i]['src']) > tokens:
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    rng.shuffle(out)
    return out


@torch.no_grad()
def greedy(model, exs, device='cpu', batch=64, extra=8):
    was = model.training
    model.eval()
    outs = []
    for k in range(0, len(exs), batch):
        chunk = exs[k:k + batch]
        src = pad([e['src'] for e in chunk]).to(device)
        mask = (src != 0).long()
        enc = model.encode(src, mask)
        limit = min(MAXLEN, max(len(e['tgt']) for e in chunk) + extra)
        ids = torch.full((len(chunk), 1), brown.CLS, dtype=torch.long, device=device)
        past, done = None, torch.zeros(len(chunk), dtype=torch.bool, device=device)
        res = [[] for _ in chunk]
        for t in range(limit):
            logits, past = model.decode(ids[:, -1:], enc, mask, past, offset=t)
            nxt = logits[:, -1].argmax(-1)
            for r in range(len(chunk)):
                if not done[r]:
                    res[r].append(int(nxt[r]))
            done |= nxt == brown.SEP
            if bool(done.all()):
                break
            ids = torch.cat([ids, nxt[:, None]], 1)
        outs += res
    model.train(was)
    return outs


@torch.no_grad()
def aer(model, exs, device='cpu', batch=32):
    """Teacher-forced cross-attention AER per decoder layer (head mean, argmax source word)."""
    was = model.training
    model.eval()
    for layer in model.dec:
        layer.cross.keep = True
    L = len(model.dec)
    hit, na, ns = [0] * L, [0] * L, 0
    for k in range(0, len(exs), batch):
        chunk = exs[k:k + batch]
        src, mask, dec_in, _ = batch_tensors(chunk, device)
        model.decode(dec_in, model.encode(src, mask), mask)
        for li, layer in enumerate(model.dec):
            best = layer.cross.probs.mean(1).argmax(-1).cpu()  # [B, T]
            for r, e in enumerate(chunk):
                gold = set(map(tuple, e['links']))
                pred = set()
                for j, o in enumerate(e['tgt_owner']):
                    if o < 0:
                        continue
                    sw = e['src_owner'][int(best[r, j])]
                    if sw >= 0:
                        pred.add((o, sw))
                hit[li] += len(pred & gold)
                na[li] += len(pred)
                if li == 0:
                    ns += len(gold)
    for layer in model.dec:
        layer.cross.keep = False
    model.train(was)
    return [1 - 2 * hit[i] / max(1, na[i] + ns) for i in range(L)]


def train(model, exs, rng, log, device, tokens, seconds, steps, ckpt=None, peak=1e-3, dec_noise=0.0, record=None):
    """`record(steps, seconds)` gives the timings a partial checkpoint is saved with."""
    opt = torch.optim.AdamW(model.parameters(), lr=peak, weight_decay=0.01, betas=(0.9, 0.98))
    bs = batches(exs, tokens, rng)
    t0, step, bi = time.time(), 0, 0
    last_save = t0
    while True:
        frac = (time.time() - t0) / seconds if seconds else step / steps
        if frac >= 1:
            break
        if bi == len(bs):
            bs, bi = batches(exs, tokens, rng), 0
        chunk = [exs[i] for i in bs[bi]]
        bi += 1
        src, mask, dec_in, tgt = batch_tensors(chunk, device)
        if dec_noise:
            # a few decoder inputs replaced by random pieces: the model learns to find its place again after a
            # wrong piece, as greedy decoding of a long text needs (the start token stays)
            hit = (torch.rand(dec_in.shape, device=device) < dec_noise) & (dec_in != 0)
            hit[:, 0] = False
            dec_in = torch.where(hit, torch.randint_like(dec_in, 5, model.emb.num_embeddings), dec_in)
        lr = peak * min(1, (step + 1) / 300) * 0.5 * (1 + math.cos(math.pi * min(1, frac)))
        for g in opt.param_groups:
            g['lr'] = lr
        logits, _ = model.decode(dec_in, model.encode(src, mask), mask)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 200 == 0:
            log(f's2s step {step} loss {loss.item():.3f} {time.time() - t0:.0f}s')
        step += 1
        if ckpt and time.time() - last_save > 300:
            brown.save_npz(model, ckpt + '.partial', record(step, time.time() - t0) if record else {'steps': step})
            last_save = time.time()
    log(f'trained {step} steps in {time.time() - t0:.0f}s')
    return step


class EncoderExport(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m.encode(input_ids, attention_mask)


class DecoderExport(torch.nn.Module):
    """Hugging Face's Marian decoder interface with a self-attention cache: past_key_values.{i}.decoder.*
    in (length 0 on the first step), present.{i}.decoder.* out; cross-attention K/V are recomputed from
    encoder_hidden_states each step. One graph serves as decoder_model and decoder_model_merged."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, encoder_attention_mask, encoder_hidden_states, *past):
        pairs = [(past[2 * i], past[2 * i + 1]) for i in range(len(past) // 2)]
        logits, presents = self.m.decode(input_ids, encoder_hidden_states, encoder_attention_mask, pairs,
                                         offset=past[0].shape[2])
        return (logits, *[t for kv in presents for t in kv])


def load_exported(model, folder):
    """Loads the weights of a model folder's fp32 ONNX export into `model` (checkpoints live in an
    ignored cache; the committed export is the lasting copy) and returns its training phases."""
    import numpy as np
    import onnx
    from onnx import numpy_helper
    state = {}
    for f in ('encoder_model', 'decoder_model'):
        g = onnx.load(os.path.join(folder, 'onnx', f'{f}.onnx')).graph
        inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
        state.update({k[2:]: v for k, v in inits.items() if k.startswith('m.')})
        for n in g.node:  # Linear weights: folded transposes, named by their MatMul ('/m/dec.0/cross/q/MatMul')
            if n.op_type == 'MatMul' and n.input[1] in inits:
                path = [x for x in n.name.strip('/').split('/') if x != 'm'][:-1]
                state['.'.join(path) + '.weight'] = inits[n.input[1]].T
    own = model.state_dict()
    dropped = sorted(k for k in state if k not in own)  # e.g. the learned position tables of an older export
    if dropped:
        print('not in this model, left out:', ', '.join(dropped), flush=True)
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items() if k in own})
    with open(os.path.join(folder, 'metrics.json')) as f:
        return json.load(f)['timings_s'].get('phases', [])


def edit_distance(a, b):
    """Levenshtein distance between two id lists (insertions, deletions, substitutions)."""
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def exact(model, exs, device='cpu'):
    outs = greedy(model, exs, device)
    return sum(o == e['tgt'] for o, e in zip(outs, exs)) / max(1, len(exs)), outs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=float, default=0, help='train for this long (cosine schedule over time)')
    ap.add_argument('--steps', type=int, default=6000, help='train this many steps when --seconds is 0')
    ap.add_argument('--tokens', type=int, default=4096, help='padded source tokens per step')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--eval-examples', type=int, default=500, help='test sentences per task for the metrics')
    ap.add_argument('--long-examples', type=int, default=20, help='test texts of ~440 source words per task')
    ap.add_argument('--out', default=None, help='model folder to write (default models/brown-seq2seq)')
    ap.add_argument('--seed', type=int, default=99)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--lr', type=float, default=1e-3, help='peak learning rate')
    ap.add_argument('--dropout', type=float, default=0.1)
    ap.add_argument('--sentence-frac', type=float, default=1.0,
                    help='train on this fraction of the single sentences (all packed texts are kept)')
    ap.add_argument('--dec-noise', type=float, default=0.0, help='replace this fraction of decoder inputs by random pieces')
    ap.add_argument('--max-src', type=int, default=MAXLEN, help='train only on sources up to this many tokens (a curriculum phase)')
    ap.add_argument('--resume', default=None,
                    help='start from this checkpoint, or from a model folder\'s fp32 export (a new warm-up and cosine schedule)')
    ap.add_argument('--train-only', action='store_true')
    ap.add_argument('--export-only', action='store_true')
    ap.add_argument('--ckpt', default=os.path.join(brown.ROOT, 'models', 'recipes', '.cache', 'seq2seq.npz'))
    a = ap.parse_args()
    global OUT
    OUT = a.out or OUT
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    log = lambda s: print(s, flush=True)  # noqa: E731
    timings = {}
    t = time.time()
    docs, wp = brown.prepared()
    pc = Pieces(wp)
    model = Seq2Seq(len(wp.vocab), drop=a.dropout)
    log(f'params {sum(p.numel() for p in model.parameters())}')
    if a.export_only:
        brown.load_npz(model, a.ckpt)
        timings.update(brown.load_timings(a.ckpt))
    else:
        tr = examples(docs, pc, 'train', long_frac=1.0, rng=random.Random(a.seed + 1))
        tr = [e for e in tr if len(e['src']) <= a.max_src]
        if a.sentence_frac < 1:
            keep = random.Random(a.seed + 2)
            tr = [e for e in tr if e.get('long') or keep.random() < a.sentence_frac]
        timings['data'] = time.time() - t
        log(f'train examples {len(tr)} (long {sum(1 for e in tr if e.get("long"))})')
        if a.resume and os.path.isdir(a.resume):
            timings['phases'] = load_exported(model, a.resume)
        elif a.resume:
            brown.load_npz(model, a.resume)
            timings['phases'] = brown.load_timings(a.resume).get('phases') or [brown.load_timings(a.resume)]
        model.to(a.device)
        phase = {'lr': a.lr, 'dropout': a.dropout, 'tokens': a.tokens, 'max_src': a.max_src, 'positions': 'rotary',
                 'sentence_frac': a.sentence_frac, 'dec_noise': a.dec_noise}

        def record(steps, seconds, stopped=True):
            """The timings with this phase appended: a partial checkpoint resumes like a finished one."""
            phases = timings.get('phases', []) + [dict(phase, steps=steps, train=seconds, **({'stopped': True} if stopped else {}))]
            return dict(timings, phases=phases, steps=sum(p.get('steps', 0) for p in phases),
                        train=sum(p.get('train', 0) for p in phases))
        t = time.time()
        steps = train(model, tr, rng, log, a.device, a.tokens, a.seconds, a.steps, a.ckpt, a.lr, a.dec_noise, record)
        timings = record(steps, time.time() - t, stopped=False)
        model.cpu()
        brown.save_npz(model, a.ckpt, timings)
        if a.train_only:
            log(json.dumps(timings))
            return
    model.eval()
    test = examples(docs, pc, 'test')
    rs = random.Random(5)
    metrics = {}
    sample = []
    for task in TASKS:
        te = [e for e in test if e['task'] == task]
        ev = rs.sample(te, min(a.eval_examples, len(te)))
        em, _ = exact(model, ev)
        metrics[f'{task}_exact_match'] = em
        metrics[f'{task}_aer_by_layer'] = aer(model, ev)
        metrics[f'{task}_test_examples'] = len(ev)
        lt = [e for e in examples(docs, pc, 'test', long_only=True, rng=random.Random(3)) if e['task'] == task]
        lt = rs.sample(lt, min(a.long_examples, len(lt)))
        em_l, outs = exact(model, lt)
        n_tgt = sum(len(e['tgt']) for e in lt)
        tok_acc = sum(sum(int(a == b) for a, b in zip(o, e['tgt'])) for o, e in zip(outs, lt)) / n_tgt
        metrics[f'{task}_long_examples'] = len(lt)
        metrics[f'{task}_long_exact_match'] = em_l
        metrics[f'{task}_long_prefix_token_accuracy'] = tok_acc
        # one dropped or repeated piece shifts every later position; edit accuracy counts it once
        metrics[f'{task}_long_edit_accuracy'] = 1 - sum(edit_distance(o, e['tgt']) for o, e in zip(outs, lt)) / n_tgt
        metrics[f'{task}_long_mean_source_tokens'] = sum(len(e['src']) for e in lt) / len(lt)
        metrics[f'{task}_long_aer_by_layer'] = aer(model, lt)
        picks = rs.sample(ev, min(45, len(ev)))
        sample += [dict(e, kind='sentence') for e in picks] + [dict(e, kind='long') for e in lt[:3]]
        log(json.dumps(metrics))
    export(model, wp, sample, metrics, timings, a)


def export(model, wp, sample, metrics, timings, a):
    os.makedirs(os.path.join(OUT, 'onnx'), exist_ok=True)
    ids = torch.tensor([wp.encode('translate: The jury praised the fine work .')] * 2)
    mask = torch.ones_like(ids)
    torch.onnx.export(EncoderExport(model), (ids, mask), os.path.join(OUT, 'onnx', 'encoder_model.onnx'),
                      opset_version=17, input_names=['input_ids', 'attention_mask'],
                      output_names=['last_hidden_state'],
                      dynamic_axes={'input_ids': {0: 'batch_size', 1: 'encoder_sequence_length'},
                                    'attention_mask': {0: 'batch_size', 1: 'encoder_sequence_length'},
                                    'last_hidden_state': {0: 'batch_size', 1: 'encoder_sequence_length'}},
                      do_constant_folding=True)
    with torch.no_grad():
        enc = model.encode(ids, mask)
    dec = torch.tensor([[brown.CLS, 10, 11]] * 2)
    L, h = len(model.dec), model.dec[0].self_attn.h
    dh = model.emb.weight.shape[1] // h
    cache = [f'{i}.decoder.{kv}' for i in range(L) for kv in ('key', 'value')]
    past = tuple(torch.zeros(2, h, 2, dh) for _ in cache)  # a non-empty cache, so positions trace as offsets
    axes = {'input_ids': {0: 'batch_size', 1: 'decoder_sequence_length'},
            'encoder_attention_mask': {0: 'batch_size', 1: 'encoder_sequence_length'},
            'encoder_hidden_states': {0: 'batch_size', 1: 'encoder_sequence_length'},
            'logits': {0: 'batch_size', 1: 'decoder_sequence_length'}}
    axes.update({f'past_key_values.{c}': {0: 'batch_size', 2: 'past_decoder_sequence_length'} for c in cache})
    axes.update({f'present.{c}': {0: 'batch_size', 2: 'past_decoder_sequence_length + decoder_sequence_length'}
                 for c in cache})
    torch.onnx.export(DecoderExport(model), (dec, mask, enc, *past), os.path.join(OUT, 'onnx', 'decoder_model.onnx'),
                      opset_version=17,
                      input_names=['input_ids', 'encoder_attention_mask', 'encoder_hidden_states',
                                   *[f'past_key_values.{c}' for c in cache]],
                      output_names=['logits', *[f'present.{c}' for c in cache]],
                      dynamic_axes=axes, do_constant_folding=False)
    print('folded', brown.fold_weight_transposes(os.path.join(OUT, 'onnx', 'decoder_model.onnx')))
    # transformers.js loads seq2seq decoders as decoder_model_merged*: links, not copies
    for q in ('', '_quantized'):
        link = os.path.join(OUT, 'onnx', f'decoder_model_merged{q}.onnx')
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(f'decoder_model{q}.onnx', link)
    model.eval()  # torch.onnx.export restores the wrapper's (training) mode on the whole module tree
    d = model.emb.weight.shape[1]
    brown.write_json(os.path.join(OUT, 'config.json'), {
        'architectures': ['MarianMTModel'], 'model_type': 'marian', 'is_encoder_decoder': True,
        'vocab_size': len(wp.vocab), 'd_model': d, 'encoder_layers': len(model.enc), 'decoder_layers': len(model.dec),
        'encoder_attention_heads': model.enc[0].attn.h, 'decoder_attention_heads': model.dec[0].self_attn.h,
        'encoder_ffn_dim': model.enc[0].ffn.i.out_features, 'decoder_ffn_dim': model.dec[0].ffn.i.out_features,
        'activation_function': 'gelu', 'max_position_embeddings': MAXLEN, 'scale_embedding': False,
        'pad_token_id': brown.PAD, 'bos_token_id': brown.CLS, 'eos_token_id': brown.SEP,
        'decoder_start_token_id': brown.CLS, 'forced_eos_token_id': brown.SEP, 'tie_word_embeddings': True,
        'use_cache': True, 'torch_dtype': 'float32', 'transformers_version': '4.46.0',
        'task_prefixes': PREFIX,
    })
    brown.write_json(os.path.join(OUT, 'tokenizer.json'), brown.tokenizer_json(wp.vocab), indent=None)
    brown.write_json(os.path.join(OUT, 'tokenizer_config.json'), brown.tokenizer_config())
    brown.write_json(os.path.join(OUT, 'generation_config.json'),
                     {'decoder_start_token_id': brown.CLS, 'eos_token_id': brown.SEP, 'pad_token_id': brown.PAD,
                      'max_length': MAXLEN})
    outs = greedy(model, [e for e in sample if e['kind'] == 'sentence'])
    for layer in model.dec:
        layer.cross.keep = True
    with open(os.path.join(OUT, 'heldout.jsonl'), 'w') as f:
        for e in sample:
            with torch.no_grad():
                src, mask, dec_in, _ = batch_tensors([e], 'cpu')
                tf = model.decode(dec_in, model.encode(src, mask), mask)[0][0].argmax(-1).tolist()
                # cross-attention of the last decoder layer, head mean: argmax source position per target piece
                att = model.dec[-1].cross.probs[0].mean(0).argmax(-1).tolist()
            rec = {'task': e['task'], 'kind': e['kind'], 'text': PREFIX[e['task']] + ' ' + e['source'],
                   'target': e['target'], 'input_ids': e['src'], 'target_ids': e['tgt'],
                   'links': e['links'], 'src_owner': e['src_owner'], 'tgt_owner': e['tgt_owner'],
                   'teacher_forced_ids': tf, 'cross_argmax_last_layer': att}
            if e['kind'] == 'sentence':
                rec['pred_ids'] = outs.pop(0)
            f.write(json.dumps(rec) + '\n')
    for layer in model.dec:
        layer.cross.keep = False
    brown.write_json(os.path.join(OUT, 'metrics.json'), {'metrics': metrics, 'timings_s': timings, 'args': vars(a)})


if __name__ == '__main__':
    main()
