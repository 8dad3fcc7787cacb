"""brown-gpt: GPT-2-style decoder LM (4 layers, d 128, tied embeddings) trained on Brown text, with
unigram and bigram baselines on the same WordPiece tokens.

Text format: [CLS] (as BOS) then sentences, each followed by [SEP] (end of sentence). Training chunks
are random windows of the training stream, of a length drawn from 64..512 (so every position up to
512 is trained); perplexity is per WordPiece token, predicting every token after [CLS].

  nice -n 10 /usr/bin/python3 models/recipes/gpt.py
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import brown  # noqa: E402
from nets import Gpt  # noqa: E402

OUT = os.path.join(brown.ROOT, 'models', 'brown-gpt')
MAXLEN = 512


def sentences(docs, wp, split):
    out = []
    for fid, _, sents in docs:
        if brown.split_of(fid) == split:
            for s in sents:
                text = brown.detok([w for w, _ in s])
                ids = wp.encode(text, special=False)
                if 0 < len(ids) <= MAXLEN - 2:
                    out.append(([brown.CLS] + ids + [brown.SEP], text))
    return out


def stream(docs, wp, split):
    out = []
    for fid, _, sents in docs:
        if brown.split_of(fid) == split:
            for s in sents:
                out += wp.encode(brown.detok([w for w, _ in s]), special=False) + [brown.SEP]
    return out


def long_chunks(docs, wp, split, n=None):
    """[CLS] + 511 tokens of one document's running text, consecutive windows."""
    out = []
    for fid, _, sents in docs:
        if brown.split_of(fid) != split:
            continue
        st = []
        for s in sents:
            st += wp.encode(brown.detok([w for w, _ in s]), special=False) + [brown.SEP]
        for i in range(0, len(st) - (MAXLEN - 1) + 1, MAXLEN - 1):
            out.append([brown.CLS] + st[i:i + MAXLEN - 1])
    return out[:n] if n else out


class Ngram:
    def __init__(self, train_seqs, V):
        self.V = V
        self.uni = torch.zeros(V, dtype=torch.float64)
        self.bi = {}
        for seq in train_seqs:
            for a, b in zip(seq[:-1], seq[1:]):
                self.uni[b] += 1
                d = self.bi.setdefault(a, {})
                d[b] = d.get(b, 0) + 1
        self.ctx = {a: sum(d.values()) for a, d in self.bi.items()}
        self.uni_p = (self.uni + 1) / (self.uni.sum() + V)  # add-one unigram
        self.lam = 0.5

    def nll(self, seqs, bigram=True):
        tot, n = 0.0, 0
        for seq in seqs:
            for a, b in zip(seq[:-1], seq[1:]):
                pu = float(self.uni_p[b])
                if bigram:
                    c = self.ctx.get(a, 0)
                    pb = self.bi.get(a, {}).get(b, 0) / c if c else 0.0
                    p = self.lam * pb + (1 - self.lam) * pu
                else:
                    p = pu
                tot -= math.log(p)
                n += 1
        return tot / n

    def tune(self, seqs):
        best = None
        for lam in [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9]:
            self.lam = lam
            v = self.nll(seqs)
            if best is None or v < best[0]:
                best = (v, lam)
        self.lam = best[1]


@torch.no_grad()
def model_nll(model, seqs, device='cpu', batch=64):
    was = model.training
    model.eval()
    tot, n = 0.0, 0
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    for k in range(0, len(order), batch):
        idx = order[k:k + batch]
        T = max(len(seqs[i]) for i in idx)
        ids = torch.zeros(len(idx), T, dtype=torch.long)
        mask = torch.zeros(len(idx), T, dtype=torch.long)
        for r, i in enumerate(idx):
            ids[r, :len(seqs[i])] = torch.tensor(seqs[i])
            mask[r, :len(seqs[i])] = 1
        ids, mask = ids.to(device), mask.to(device)
        pos = torch.arange(T, device=device).unsqueeze(0).expand(len(idx), T)
        logits, _ = model(ids, mask, pos)
        lp = F.log_softmax(logits[:, :-1].float(), -1).gather(-1, ids[:, 1:, None])[..., 0]
        m = mask[:, 1:].float()
        tot -= float((lp * m).sum())
        n += int(m.sum())
    model.train(was)
    return tot / n


def train(model, st, rng, steps, log, device, batch, valid):
    st = torch.tensor(st)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01, betas=(0.9, 0.98))
    t0 = time.time()
    best = None
    for step in range(steps):
        L = rng.choice([64, 128, 128, 256, 512])
        B = max(1, batch * 128 // L)
        starts = torch.randint(0, len(st) - L, (B,))
        ids = torch.cat([torch.full((B, 1), brown.CLS), torch.stack([st[s:s + L - 1] for s in starts])], 1).to(device)
        pos = torch.arange(L, device=device).unsqueeze(0).expand(B, L)
        lr = 1e-3 * min(1, (step + 1) / 300) * 0.5 * (1 + math.cos(math.pi * step / steps))
        for g in opt.param_groups:
            g['lr'] = lr
        logits, _ = model(ids, torch.ones_like(ids), pos)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 200 == 0 or step == steps - 1:
            log(f'lm step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f}s')
        if (step + 1) % 1000 == 0 or step == steps - 1:
            v = model_nll(model, valid, device)
            log(f'  valid ppl {math.exp(v):.1f}')
            if best is None or v < best[0]:
                best = (v, step, {k: x.detach().clone() for k, x in model.state_dict().items()})
    log(f'best valid ppl {math.exp(best[0]):.1f} at step {best[1]}')
    model.load_state_dict(best[2])


class Export(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids, *past):
        pairs = [(past[2 * i], past[2 * i + 1]) for i in range(len(past) // 2)]
        logits, presents = self.m(input_ids, attention_mask, position_ids, pairs)
        return (logits,) + tuple(t for kv in presents for t in kv)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=3000)
    ap.add_argument('--batch', type=int, default=32, help='sequences per step at 128 tokens (token count kept)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=4321)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--train-only', action='store_true')
    ap.add_argument('--export-only', action='store_true')
    ap.add_argument('--ckpt', default=os.path.join(brown.ROOT, 'models', 'recipes', '.cache', 'gpt.npz'))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    log = lambda s: print(s, flush=True)  # noqa: E731
    timings = {}
    t = time.time()
    docs, wp = brown.prepared()
    V = len(wp.vocab)
    valid = [s for s, _ in sentences(docs, wp, 'valid')]
    model = Gpt(V, max_pos=MAXLEN)
    log(f'params {sum(p.numel() for p in model.parameters())}')
    if a.export_only:
        brown.load_npz(model, a.ckpt)
        timings.update(brown.load_timings(a.ckpt))
    else:
        st = stream(docs, wp, 'train')
        timings['data'] = time.time() - t
        model.to(a.device)
        t = time.time()
        train(model, st, rng, a.steps, log, a.device, a.batch, valid)
        timings['train'] = time.time() - t
        model.cpu()
        brown.save_npz(model, a.ckpt, timings)
        if a.train_only:
            log(json.dumps(timings))
            return
    model.eval()
    test_s = sentences(docs, wp, 'test')
    test = [s for s, _ in test_s]
    long_test = long_chunks(docs, wp, 'test')
    train_seqs = [s for s, _ in sentences(docs, wp, 'train')]
    ng = Ngram(train_seqs, V)
    ng.tune(valid)
    rs = random.Random(7)
    sample = [('sentence', s) for s in rs.sample(test_s, 190)] + [('long', (c, None)) for c in rs.sample(long_test, 10)]
    sample_sent = [s for k, (s, _) in sample if k == 'sentence']
    sample_long = [s for k, (s, _) in sample if k == 'long']
    metrics = {
        'test_ppl': math.exp(model_nll(model, test)),
        'test_unigram_ppl': math.exp(ng.nll(test, bigram=False)),
        'test_bigram_ppl': math.exp(ng.nll(test)),
        'test_512_ppl': math.exp(model_nll(model, long_test, batch=8)),
        'test_512_bigram_ppl': math.exp(ng.nll(long_test)),
        'sample_ppl': math.exp(model_nll(model, sample_sent)),
        'sample_unigram_ppl': math.exp(ng.nll(sample_sent, bigram=False)),
        'sample_bigram_ppl': math.exp(ng.nll(sample_sent)),
        'sample_512_ppl': math.exp(model_nll(model, sample_long, batch=8)),
        'sample_512_bigram_ppl': math.exp(ng.nll(sample_long)),
        'bigram_lambda': ng.lam,
        'test_sentences': len(test), 'test_tokens': sum(len(s) - 1 for s in test), 'test_512_chunks': len(long_test),
    }
    log(json.dumps(metrics))
    export(model, wp, sample, metrics, timings, a)


def export(model, wp, sample, metrics, timings, a):
    os.makedirs(os.path.join(OUT, 'onnx'), exist_ok=True)
    L = len(model.blocks)
    h, dh = model.blocks[0].attn.h, model.blocks[0].attn.dh
    B, P, T = 2, 3, 5
    ids = torch.randint(5, 100, (B, T))
    past = []
    names_in, names_out = ['input_ids', 'attention_mask', 'position_ids'], ['logits']
    axes = {'input_ids': {0: 'batch_size', 1: 'sequence_length'},
            'attention_mask': {0: 'batch_size', 1: 'past_sequence_length + sequence_length'},
            'position_ids': {0: 'batch_size', 1: 'sequence_length'},
            'logits': {0: 'batch_size', 1: 'sequence_length'}}
    for i in range(L):
        for kv in ('key', 'value'):
            past.append(torch.randn(B, h, P, dh))
            names_in.append(f'past_key_values.{i}.{kv}')
            names_out.append(f'present.{i}.{kv}')
            axes[f'past_key_values.{i}.{kv}'] = {0: 'batch_size', 2: 'past_sequence_length'}
            axes[f'present.{i}.{kv}'] = {0: 'batch_size', 2: 'past_sequence_length + sequence_length'}
    pos = torch.arange(P, P + T).unsqueeze(0).expand(B, T)
    torch.onnx.export(Export(model), (ids, torch.ones(B, P + T, dtype=torch.long), pos, *past),
                      os.path.join(OUT, 'onnx', 'model.onnx'), opset_version=17, input_names=names_in,
                      output_names=names_out, dynamic_axes=axes, do_constant_folding=False)
    print('folded', brown.fold_weight_transposes(os.path.join(OUT, 'onnx', 'model.onnx')), 'weight transposes')
    model.eval()  # torch.onnx.export restores the wrapper's (training) mode on the whole module tree
    d = model.wte.weight.shape[1]
    brown.write_json(os.path.join(OUT, 'config.json'), {
        'architectures': ['GPT2LMHeadModel'], 'model_type': 'gpt2', 'vocab_size': len(wp.vocab),
        'n_positions': MAXLEN, 'n_ctx': MAXLEN, 'n_embd': d, 'n_layer': L, 'n_head': h, 'n_inner': 4 * d,
        'activation_function': 'gelu', 'layer_norm_epsilon': 1e-5, 'tie_word_embeddings': True,
        'bos_token_id': brown.CLS, 'eos_token_id': brown.SEP, 'pad_token_id': brown.PAD, 'use_cache': True,
        'torch_dtype': 'float32', 'transformers_version': '4.46.0',
    })
    tj = brown.tokenizer_json(wp.vocab)
    tj['post_processor'] = {
        'type': 'TemplateProcessing',
        'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}],
        'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                 {'Sequence': {'id': 'B', 'type_id': 1}}],
        'special_tokens': {'[CLS]': {'id': '[CLS]', 'ids': [brown.CLS], 'tokens': ['[CLS]']}},
    }
    brown.write_json(os.path.join(OUT, 'tokenizer.json'), tj, indent=None)
    brown.write_json(os.path.join(OUT, 'tokenizer_config.json'),
                     brown.tokenizer_config(bos_token='[CLS]', eos_token='[SEP]'))
    brown.write_json(os.path.join(OUT, 'generation_config.json'),
                     {'bos_token_id': brown.CLS, 'eos_token_id': brown.SEP, 'pad_token_id': brown.PAD})
    with open(os.path.join(OUT, 'heldout.jsonl'), 'w') as f:
        for kind, (ids, text) in sample:
            with torch.no_grad():
                t = torch.tensor([ids])
                lg, _ = model(t, torch.ones_like(t), torch.arange(len(ids)).unsqueeze(0))
                nll = -float(F.log_softmax(lg[0, :-1], -1).gather(-1, t[0, 1:, None]).sum())
            rec = {'kind': kind, 'input_ids': ids, 'tokens': len(ids), 'nll': nll}
            if text is not None:
                rec['text'] = text
            f.write(json.dumps(rec) + '\n')
    brown.write_json(os.path.join(OUT, 'metrics.json'), {'metrics': metrics, 'timings_s': timings, 'args': vars(a)})


if __name__ == '__main__':
    main()
