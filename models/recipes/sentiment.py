"""brown-sentiment: BERT-style encoder, masked-LM pretraining on Brown, then fine-tuning on sentence
labels from wink's sentiment lexicon (models/brown-sentiment/lexicon.json, made by lexicon.ts).

Label rule (over the Brown word tokens of a text, lower-cased, looked up whole in the lexicon):
  P = number of tokens with valence > 0, N = number with valence < 0;
  positive if P > N, negative if N > P, neutral if P == N (including no lexicon word at all).

  nice -n 10 /usr/bin/python3 models/recipes/sentiment.py
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
from nets import Bert  # noqa: E402

OUT = os.path.join(brown.ROOT, 'models', 'brown-sentiment')
LABELS = ['negative', 'neutral', 'positive']
MAXLEN = 512


def label_of(words, lex):
    p = n = 0
    for w in words:
        v = lex.get(w.lower(), 0)
        p += v > 0
        n += v < 0
    return 2 if p > n else 0 if n > p else 1


def examples(docs, wp, lex, split):
    """Single sentences: (ids, label, text)."""
    out = []
    for fid, _, sents in docs:
        if brown.split_of(fid) != split:
            continue
        for s in sents:
            words = [w for w, _ in s]
            text = brown.detok(words)
            ids = wp.encode(text)
            if len(ids) <= MAXLEN:
                out.append((ids, label_of(words, lex), text))
    return out


def packed(docs, wp, lex, split, rng, lo, hi, count=None):
    """Runs of consecutive sentences of one document, packed up to a length drawn from [lo, hi]."""
    out = []
    for fid, _, sents in docs:
        if brown.split_of(fid) != split:
            continue
        i = 0
        while i < len(sents):
            target = rng.randint(lo, hi)
            words, ids = [], []
            while i < len(sents):
                w = [x for x, _ in sents[i]]
                e = wp.encode(brown.detok(w), special=False)
                if len(ids) + len(e) > target - 2:
                    if not ids and len(e) <= MAXLEN - 2:
                        words, ids = w, e
                        i += 1
                    break
                words += w
                ids += e
                i += 1
            if ids:
                out.append(([brown.CLS] + ids + [brown.SEP], label_of(words, lex), brown.detok(words)))
            else:
                i += 1
    rng.shuffle(out)
    return out[:count] if count else out


def batches(exs, tokens, rng, shuffle=True):
    """Length-bucketed batches of about `tokens` tokens (padded)."""
    order = sorted(range(len(exs)), key=lambda i: (len(exs[i][0]), rng.random() if shuffle else i))
    out, cur = [], []
    for i in order:
        if cur and (len(cur) + 1) * len(exs[i][0]) > tokens:
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    if shuffle:
        rng.shuffle(out)
    return out


def collate(exs, idx):
    t = max(len(exs[i][0]) for i in idx)
    ids = torch.zeros(len(idx), t, dtype=torch.long)
    mask = torch.zeros(len(idx), t, dtype=torch.long)
    for r, i in enumerate(idx):
        e = exs[i][0]
        ids[r, :len(e)] = torch.tensor(e)
        mask[r, :len(e)] = 1
    return ids, mask, torch.tensor([exs[i][1] for i in idx])


def lr_at(step, total, peak, warm):
    if step < warm:
        return peak * (step + 1) / warm
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))


def mlm(model, docs, wp, rng, steps, log, device='cpu', batch=48):
    """Masked LM on contiguous training text: 80% of batches 128 tokens × 48, 20% 512 tokens × 12."""
    stream = []
    for fid, _, sents in docs:
        if brown.split_of(fid) == 'train':
            for s in sents:
                stream += wp.encode(brown.detok([w for w, _ in s]), special=False) + [brown.SEP]
    stream = torch.tensor(stream)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    V = len(wp.vocab)
    t0 = time.time()
    for step in range(steps):
        long = rng.random() < 0.2
        L, B = (512, batch // 4) if long else (128, batch)
        starts = torch.randint(0, len(stream) - L, (B,))
        ids = torch.stack([stream[s:s + L - 1] for s in starts])
        ids = torch.cat([torch.full((B, 1), brown.CLS), ids], 1)
        labels = ids.clone()
        sel = (torch.rand(ids.shape) < 0.15) & (ids > brown.MASK)
        r = torch.rand(ids.shape)
        inp = ids.clone()
        inp[sel & (r < 0.8)] = brown.MASK
        rnd = sel & (r >= 0.8) & (r < 0.9)
        inp[rnd] = torch.randint(5, V, (int(rnd.sum()),))
        for g in opt.param_groups:
            g['lr'] = lr_at(step, steps, 1e-3, 200)
        inp, sel, labels = inp.to(device), sel.to(device), labels.to(device)
        h = model.encode(inp, torch.ones_like(inp), torch.zeros_like(inp))
        loss = F.cross_entropy(model.mlm_logits(h[sel]), labels[sel])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 0 or step == steps - 1:
            log(f'mlm step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f}s')


@torch.no_grad()
def evaluate(model, exs, tokens=8192, device='cpu'):
    was = model.training
    model.eval()
    correct, preds = 0, []
    rng = random.Random(0)
    for idx in batches(exs, tokens, rng, shuffle=False):
        ids, mask, y = (x.to(device) for x in collate(exs, idx))
        p = model(ids, mask, torch.zeros_like(ids)).argmax(-1)
        correct += int((p == y).sum())
    model.train(was)
    return correct / max(1, len(exs))


def finetune(model, short, long_, rng, steps, log, valid, device='cpu', tokens=3072):
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    sb = batches(short, tokens, rng)
    lb = batches(long_, max(tokens, 4096), rng)
    si = li = 0
    t0 = time.time()
    best = None
    counts = [0, 0, 0]
    for _, y, _ in short:
        counts[y] += 1
    for step in range(steps):
        if rng.random() < 0.25:
            exs, idx = long_, lb[li % len(lb)]
            li += 1
        else:
            exs, idx = short, sb[si % len(sb)]
            si += 1
            if si % len(sb) == 0:
                sb = batches(short, tokens, rng)
        ids, mask, y = (x.to(device) for x in collate(exs, idx))
        for g in opt.param_groups:
            g['lr'] = lr_at(step, steps, 5e-4, 200)
        loss = F.cross_entropy(model(ids, mask, torch.zeros_like(ids)), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 200 == 0 or step == steps - 1:
            log(f'ft step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f}s')
        if (step + 1) % 500 == 0 or step == steps - 1:
            acc = evaluate(model, valid, device=device)
            log(f'  valid acc {acc:.4f}')
            if best is None or acc > best[0]:
                best = (acc, step, {k: v.detach().clone() for k, v in model.state_dict().items()})
    log(f'best valid acc {best[0]:.4f} at step {best[1]}')
    model.load_state_dict(best[2])


class Export(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.m(input_ids, attention_mask, token_type_ids)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mlm-steps', type=int, default=1500)
    ap.add_argument('--ft-steps', type=int, default=3000)
    ap.add_argument('--mlm-batch', type=int, default=48, help='sequences of 128 tokens per masked-LM step')
    ap.add_argument('--ft-tokens', type=int, default=3072, help='padded tokens per fine-tuning step')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=1234)
    ap.add_argument('--stats-only', action='store_true')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--train-only', action='store_true', help='train and save --ckpt, skip evaluation/export')
    ap.add_argument('--export-only', action='store_true', help='load --ckpt, evaluate and export')
    ap.add_argument('--ckpt', default=os.path.join(brown.ROOT, 'models', 'recipes', '.cache', 'sentiment.npz'))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    timings = {}
    t = time.time()
    log = lambda s: print(s, flush=True)  # noqa: E731
    docs, wp = brown.prepared()
    with open(os.path.join(OUT, 'lexicon.json')) as f:
        lex = json.load(f)
    train, valid, test = (examples(docs, wp, lex, s) for s in ('train', 'valid', 'test'))
    long_train = packed(docs, wp, lex, 'train', random.Random(a.seed + 1), 64, MAXLEN)
    long_valid = packed(docs, wp, lex, 'valid', random.Random(a.seed + 2), MAXLEN, MAXLEN)
    long_test = packed(docs, wp, lex, 'test', random.Random(a.seed + 3), MAXLEN, MAXLEN)
    timings['data'] = time.time() - t

    def dist(exs):
        c = [0, 0, 0]
        for _, y, _ in exs:
            c[y] += 1
        return {LABELS[i]: c[i] for i in range(3)}
    for name, exs in [('train', train), ('valid', valid), ('test', test), ('long_train', long_train),
                      ('long_valid', long_valid), ('long_test', long_test)]:
        log(f'{name}: {len(exs)} {dist(exs)} mean len {sum(len(e[0]) for e in exs) / len(exs):.1f}')
    if a.stats_only:
        return
    model = Bert(len(wp.vocab))
    log(f'params {sum(p.numel() for p in model.parameters() if p is not model.mlm_bias)}')
    if a.export_only:
        brown.load_npz(model, a.ckpt)
        timings.update(brown.load_timings(a.ckpt))
    else:
        model.to(a.device)
        t = time.time()
        mlm(model, docs, wp, rng, a.mlm_steps, log, a.device, a.mlm_batch)
        timings['mlm'] = time.time() - t
        t = time.time()
        finetune(model, train, long_train, rng, a.ft_steps, log, valid, a.device, a.ft_tokens)
        timings['finetune'] = time.time() - t
        model.cpu()
        brown.save_npz(model, a.ckpt, timings)
        if a.train_only:
            log(json.dumps(timings))
            return
    model.eval()
    metrics = {
        'test_accuracy': evaluate(model, test),
        'test_512_accuracy': evaluate(model, long_test),
        'valid_accuracy': evaluate(model, valid),
        'test_majority': max(dist(test).values()) / len(test),
        'test_512_majority': max(dist(long_test).values()) / len(long_test),
        'test_size': len(test), 'test_512_size': len(long_test),
        'test_distribution': dist(test), 'test_512_distribution': dist(long_test),
    }
    log(json.dumps(metrics))
    export(model, wp, test, long_test, metrics, timings, a)


def export(model, wp, test, long_test, metrics, timings, a):
    os.makedirs(os.path.join(OUT, 'onnx'), exist_ok=True)
    ids = torch.tensor([wp.encode('The jury praised the fine work of the committee.')] * 2)
    torch.onnx.export(
        Export(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)),
        os.path.join(OUT, 'onnx', 'model.onnx'), opset_version=17,
        input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['logits'],
        dynamic_axes={n: {0: 'batch_size', 1: 'sequence_length'} for n in ['input_ids', 'attention_mask', 'token_type_ids']}
        | {'logits': {0: 'batch_size'}},
        do_constant_folding=True)
    model.eval()  # torch.onnx.export restores the wrapper's (training) mode on the whole module tree
    d = model.word.weight.shape[1]
    brown.write_json(os.path.join(OUT, 'config.json'), {
        'architectures': ['BertForSequenceClassification'], 'model_type': 'bert',
        'vocab_size': len(wp.vocab), 'hidden_size': d, 'num_hidden_layers': len(model.layers),
        'num_attention_heads': model.layers[0].attn.h, 'intermediate_size': model.layers[0].ffn.i.out_features,
        'hidden_act': 'gelu', 'max_position_embeddings': MAXLEN, 'type_vocab_size': 2,
        'layer_norm_eps': 1e-12, 'pad_token_id': brown.PAD, 'position_embedding_type': 'absolute',
        'id2label': {str(i): l for i, l in enumerate(LABELS)}, 'label2id': {l: i for i, l in enumerate(LABELS)},
        'problem_type': 'single_label_classification', 'torch_dtype': 'float32', 'transformers_version': '4.46.0',
    })
    brown.write_json(os.path.join(OUT, 'tokenizer.json'), brown.tokenizer_json(wp.vocab), indent=None)
    brown.write_json(os.path.join(OUT, 'tokenizer_config.json'), brown.tokenizer_config())
    # fixed held-out sample: 180 test sentences + 20 test chunks of ~512 tokens, with gold labels and
    # the fp32 PyTorch prediction
    rng = random.Random(7)
    sample = [dict(kind='sentence', e=e) for e in rng.sample(test, 180)] + \
             [dict(kind='long', e=e) for e in rng.sample(long_test, 20)]
    with open(os.path.join(OUT, 'heldout.jsonl'), 'w') as f:
        for s in sample:
            ids, y, text = s['e']
            with torch.no_grad():
                t = torch.tensor([ids])
                pred = int(model(t, torch.ones_like(t), torch.zeros_like(t)).argmax(-1))
            f.write(json.dumps({'text': text, 'label': LABELS[y], 'kind': s['kind'], 'tokens': len(ids),
                                'input_ids': ids, 'pred': LABELS[pred]}) + '\n')
    brown.write_json(os.path.join(OUT, 'metrics.json'), {'metrics': metrics, 'timings_s': timings,
                                                         'args': vars(a)})


if __name__ == '__main__':
    main()
