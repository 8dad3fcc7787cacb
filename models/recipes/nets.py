"""Small Transformers with attention written out (Q·Kᵀ/√d → Softmax → ·V), so that every attention
block keeps its own Softmax node in the ONNX export, as Hugging Face's eager exports do."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = -10000.0


class SelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.h, self.dh).transpose(1, 2)

    def attend(self, q, k, v, bias):
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dh)
        scores = scores + bias
        probs = torch.softmax(scores, dim=-1)
        if getattr(self, 'keep', False):
            self.probs = probs
        ctx = torch.matmul(probs, v)
        b, h, t, dh = ctx.shape
        return self.o(ctx.transpose(1, 2).reshape(b, t, h * dh))

    def forward(self, x, bias, past=None, kv=None, rope=None):
        q = self.split(self.q(x))
        src = x if kv is None else kv
        k, v = self.split(self.k(src)), self.split(self.v(src))
        if rope is not None:
            q, k = rotate(q, *rope), rotate(k, *rope)
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        return self.attend(q, k, v, bias), (k, v)


def rope_tables(pos, dh, base=10000.0):
    """Rotary position embedding (RoFormer; as in Llama): cos/sin per position, computed from the
    positions themselves rather than looked up in a table, so there is no longest position."""
    inv = 1.0 / base ** (torch.arange(0, dh, 2, dtype=torch.float32, device=pos.device) / dh)
    ang = pos.to(torch.float32)[:, None] * inv[None, :]
    ang = torch.cat([ang, ang], dim=-1)
    return ang.cos(), ang.sin()


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    return x * cos + torch.cat([-x[..., half:], x[..., :half]], dim=-1) * sin


class FFN(nn.Module):
    def __init__(self, d, ff):
        super().__init__()
        self.i, self.o = nn.Linear(d, ff), nn.Linear(ff, d)

    def forward(self, x):
        return self.o(F.gelu(self.i(x)))


# ------------------------------------------------------------------------------------------ BERT

class BertLayer(nn.Module):
    """Post-LayerNorm block as in BERT."""

    def __init__(self, d, heads, ff, drop=0.1):
        super().__init__()
        self.attn, self.ln1, self.ffn, self.ln2 = SelfAttention(d, heads), nn.LayerNorm(d, eps=1e-12), FFN(d, ff), nn.LayerNorm(d, eps=1e-12)
        self.drop = nn.Dropout(drop)

    def forward(self, x, bias):
        x = self.ln1(x + self.drop(self.attn(x, bias)[0]))
        return self.ln2(x + self.drop(self.ffn(x)))


class Bert(nn.Module):
    def __init__(self, vocab, d=128, layers=4, heads=4, ff=512, max_pos=512, labels=3):
        super().__init__()
        self.word = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(max_pos, d)
        self.tok_type = nn.Embedding(2, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)
        self.drop = nn.Dropout(0.1)
        self.layers = nn.ModuleList(BertLayer(d, heads, ff) for _ in range(layers))
        # masked-LM head (decoder tied to the word embeddings); not exported
        self.mlm_dense, self.mlm_ln = nn.Linear(d, d), nn.LayerNorm(d, eps=1e-12)
        self.mlm_bias = nn.Parameter(torch.zeros(vocab))
        # sequence classification head: pooler ([CLS] → dense → tanh) → classifier
        self.pooler = nn.Linear(d, d)
        self.classifier = nn.Linear(d, labels)
        self.apply(init)

    def encode(self, input_ids, attention_mask, token_type_ids):
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.drop(self.ln(self.word(input_ids) + self.pos(pos) + self.tok_type(token_type_ids)))
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * NEG
        for layer in self.layers:
            x = layer(x, bias)
        return x

    def mlm_logits(self, h):
        h = self.mlm_ln(F.gelu(self.mlm_dense(h)))
        return h @ self.word.weight.t() + self.mlm_bias

    def forward(self, input_ids, attention_mask, token_type_ids):
        h = self.encode(input_ids, attention_mask, token_type_ids)
        return self.classifier(torch.tanh(self.pooler(h[:, 0])))


def init(m):
    if isinstance(m, (nn.Linear, nn.Embedding)):
        nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)


# ------------------------------------------------------------------------------------------ GPT-2

class GptBlock(nn.Module):
    """Pre-LayerNorm block as in GPT-2."""

    def __init__(self, d, heads, ff, drop=0.1):
        super().__init__()
        self.ln1, self.attn, self.ln2, self.ffn = nn.LayerNorm(d), SelfAttention(d, heads), nn.LayerNorm(d), FFN(d, ff)
        self.drop = nn.Dropout(drop)

    def forward(self, x, bias, past=None):
        a, present = self.attn(self.ln1(x), bias, past)
        x = x + self.drop(a)
        return x + self.drop(self.ffn(self.ln2(x))), present


class Gpt(nn.Module):
    def __init__(self, vocab, d=128, layers=4, heads=4, ff=512, max_pos=1024):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(max_pos, d)
        self.blocks = nn.ModuleList(GptBlock(d, heads, ff) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.apply(init)

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        """attention_mask covers past + current positions, as in Hugging Face's GPT-2."""
        x = self.wte(input_ids) + self.wpe(position_ids)
        t = input_ids.shape[1]
        total = attention_mask.shape[1]
        q_pos = torch.arange(t, device=x.device) + (total - t)
        k_pos = torch.arange(total, device=x.device)
        causal = (k_pos[None, :] <= q_pos[:, None])[None, None]
        keep = causal & attention_mask[:, None, None, :].bool()
        bias = (~keep).to(x.dtype) * NEG
        presents = []
        for i, blk in enumerate(self.blocks):
            x, p = blk(x, bias, None if past is None else past[i])
            presents.append(p)
        x = self.ln_f(x)
        return x @ self.wte.weight.t(), presents


# ------------------------------------------------------------------------------------------ encoder-decoder

class DecoderLayer(nn.Module):
    """Pre-LayerNorm decoder block: causal self-attention, cross-attention to the encoder, FFN."""

    def __init__(self, d, heads, ff, drop=0.1):
        super().__init__()
        self.ln1, self.self_attn = nn.LayerNorm(d), SelfAttention(d, heads)
        self.ln2, self.cross = nn.LayerNorm(d), SelfAttention(d, heads)
        self.ln3, self.ffn = nn.LayerNorm(d), FFN(d, ff)
        self.drop = nn.Dropout(drop)

    def forward(self, x, self_bias, enc, cross_bias, past=None, rope=None):
        a, present = self.self_attn(self.ln1(x), self_bias, past, rope=rope)
        x = x + self.drop(a)
        x = x + self.drop(self.cross(self.ln2(x), cross_bias, kv=enc)[0])
        return x + self.drop(self.ffn(self.ln3(x))), present


class EncLayer(nn.Module):
    def __init__(self, d, heads, ff, drop=0.1):
        super().__init__()
        self.ln1, self.attn, self.ln2, self.ffn = nn.LayerNorm(d), SelfAttention(d, heads), nn.LayerNorm(d), FFN(d, ff)
        self.drop = nn.Dropout(drop)

    def forward(self, x, bias, rope=None):
        x = x + self.drop(self.attn(self.ln1(x), bias, rope=rope)[0])
        return x + self.drop(self.ffn(self.ln2(x)))


class Seq2Seq(nn.Module):
    """Rotary positions in the encoder's and the decoder's self-attention, none in the cross-attention:
    where to read in the source is found by content (the source piece after the one just copied), which
    does not depend on how far into a text the decoder is, so what sentences teach carries over to long
    texts (which still have to teach crossing a sentence boundary)."""

    def __init__(self, vocab, d=96, enc_layers=2, dec_layers=2, heads=4, ff=384, drop=0.1):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.enc = nn.ModuleList(EncLayer(d, heads, ff, drop) for _ in range(enc_layers))
        self.dec = nn.ModuleList(DecoderLayer(d, heads, ff, drop) for _ in range(dec_layers))
        self.enc_ln, self.dec_ln = nn.LayerNorm(d), nn.LayerNorm(d)
        self.final_bias = nn.Parameter(torch.zeros(vocab))
        self.dh = d // heads
        self.apply(init)

    def encode(self, input_ids, attention_mask):
        t = input_ids.shape[1]
        x = self.emb(input_ids)
        rope = rope_tables(torch.arange(t, device=input_ids.device), self.dh)
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * NEG
        for layer in self.enc:
            x = layer(x, bias, rope)
        return self.enc_ln(x)

    def decode(self, input_ids, enc, encoder_attention_mask, past=None, offset=0):
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device) + offset
        x = self.emb(input_ids)
        rope = rope_tables(pos, self.dh)
        total = t + offset
        k_pos = torch.arange(total, device=x.device)
        causal = (k_pos[None, :] <= pos[:, None])[None, None]
        self_bias = (~causal).to(x.dtype) * NEG
        cross_bias = (1.0 - encoder_attention_mask[:, None, None, :].to(x.dtype)) * NEG
        presents = []
        for i, layer in enumerate(self.dec):
            x, p = layer(x, self_bias, enc, cross_bias, None if past is None else past[i], rope)
            presents.append(p)
        x = self.dec_ln(x)
        return x @ self.emb.weight.t() + self.final_bias, presents
