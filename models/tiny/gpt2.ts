/**
 * tiny-gpt2: a 2-layer GPT-2 language model (GPT2LMHeadModel) with a key/value cache, in the input and
 * output layout optimum exports and transformers.js feeds (`past_key_values.{i}.key` → `present.{i}.key`).
 */
import { DataType, encodeModel } from '../../shared/onnx/proto.js';
import { quantizeDynamic } from '../../shared/onnx/quantize.js';
import { Rng } from '../../shared/util/random.js';
import { json, type ModelFiles } from './files.js';
import { GraphBuilder } from './graph.js';
import {
  attentionCore,
  causalAllowed,
  dimOf,
  ffn,
  layerNorm,
  linear,
  mergeHeads,
  paddingAllowed,
  splitHeads,
} from './layers.js';
import { tinyGpt2Tokenizer } from './tokenizers.js';

export const TINY_GPT2 = { hidden: 32, heads: 4, layers: 2, ffn: 64, maxPositions: 512, eps: 1e-5 };

export function buildTinyGpt2(seed = 2): ModelFiles {
  const c = TINY_GPT2;
  const headDim = c.hidden / c.heads;
  const tok = tinyGpt2Tokenizer();
  const eos = tok.special['<|endoftext|>'];
  const g = new GraphBuilder('tiny-gpt2', new Rng(seed));
  const F = DataType.FLOAT;
  const I64 = DataType.INT64;
  const total = 'past_sequence_length + sequence_length';

  const ids = g.input('input_ids', I64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', I64, ['batch_size', total]);
  const positionIds = g.input('position_ids', I64, ['batch_size', 'sequence_length']);
  for (let i = 0; i < c.layers; i++) {
    for (const kv of ['key', 'value']) {
      g.input(`past_key_values.${i}.${kv}`, F, ['batch_size', c.heads, 'past_sequence_length', headDim]);
    }
  }

  // Outputs in optimum's order: logits first, then the cache (declared in the layer loop).
  g.output('logits', F, ['batch_size', 'sequence_length', tok.vocabSize]);

  const T = '/transformer';
  const wte = g.param('transformer.wte.weight', [tok.vocabSize, c.hidden], 0.1);
  const wpe = g.param('transformer.wpe.weight', [c.maxPositions, c.hidden], 0.1);
  let h = g.op1(T, 'Add', [
    g.op1(`${T}/wte`, 'Gather', [wte, ids]),
    g.op1(`${T}/wpe`, 'Gather', [wpe, positionIds]),
  ]);

  // One mask for all layers: causal (offset by the cache length) and no padded keys.
  const past = dimOf(g, 'past_key_values.0.key', 2, T);
  const seqLen = dimOf(g, ids, 1, T);
  const totalLen = g.op1(T, 'Add', [past, seqLen]);
  const allowed = g.op1(T, 'And', [causalAllowed(g, past, totalLen, T), paddingAllowed(g, mask, T)]);

  for (let i = 0; i < c.layers; i++) {
    const S = `${T}/h.${i}`;
    const P = `transformer.h.${i}`;
    const x = layerNorm(g, h, `${S}/ln_1`, `${P}.ln_1`, c.hidden, c.eps);
    // c_attn projects to Q|K|V at once (GPT-2's Conv1D is already stored [in, out]).
    const qkv = linear(g, x, {
      scope: `${S}/attn/c_attn`,
      param: `${P}.attn.c_attn`,
      inDim: c.hidden,
      outDim: 3 * c.hidden,
      std: 0.3,
    });
    const [q, k, v] = g
      .op(`${S}/attn`, 'Split', [qkv, g.constI64([c.hidden, c.hidden, c.hidden])], {
        attrs: { axis: 2 },
        numOutputs: 3,
      })
      .map((t) => splitHeads(g, t, `${S}/attn`, c.heads, headDim));
    const presentK = g.op1(`${S}/attn`, 'Concat', [`past_key_values.${i}.key`, k], {
      attrs: { axis: 2 },
      outputs: [`present.${i}.key`],
    });
    const presentV = g.op1(`${S}/attn`, 'Concat', [`past_key_values.${i}.value`, v], {
      attrs: { axis: 2 },
      outputs: [`present.${i}.value`],
    });
    const { context } = attentionCore(g, `${S}/attn`, q, presentK, presentV, headDim, { allowed });
    const merged = mergeHeads(g, context, `${S}/attn`, c.hidden);
    const attnOut = linear(g, merged, {
      scope: `${S}/attn/c_proj`,
      param: `${P}.attn.c_proj`,
      inDim: c.hidden,
      outDim: c.hidden,
      std: 0.2,
    });
    h = g.op1(S, 'Add', [attnOut, h]);
    const y = layerNorm(g, h, `${S}/ln_2`, `${P}.ln_2`, c.hidden, c.eps);
    const m = ffn(g, y, {
      up: { scope: `${S}/mlp/c_fc`, param: `${P}.mlp.c_fc`, inDim: c.hidden, outDim: c.ffn, std: 0.1 },
      down: { scope: `${S}/mlp/c_proj`, param: `${P}.mlp.c_proj`, inDim: c.ffn, outDim: c.hidden, std: 0.1 },
      actScope: `${S}/mlp/act`,
      act: 'tanh',
    });
    h = g.op1(S, 'Add', [m, h]);
    g.output(`present.${i}.key`, F, ['batch_size', c.heads, total, headDim]);
    g.output(`present.${i}.value`, F, ['batch_size', c.heads, total, headDim]);
  }

  const final = layerNorm(g, h, `${T}/ln_f`, 'transformer.ln_f', c.hidden, c.eps);
  // LM head tied to the word embedding: MatMul with its transpose, one copy of the weights in the file.
  const wteT = g.op1('/lm_head', 'Transpose', [wte], { attrs: { perm: [1, 0] } });
  g.op1('/lm_head', 'MatMul', [final, wteT], { outputs: ['logits'] });

  const model = g.model();
  return {
    files: {
      'config.json': json({
        _name_or_path: 'tiny-gpt2',
        model_type: 'gpt2',
        architectures: ['GPT2LMHeadModel'],
        n_embd: c.hidden,
        n_head: c.heads,
        n_layer: c.layers,
        n_inner: c.ffn,
        n_positions: c.maxPositions,
        n_ctx: c.maxPositions,
        max_position_embeddings: c.maxPositions,
        activation_function: 'gelu_new',
        layer_norm_epsilon: c.eps,
        initializer_range: 0.02,
        vocab_size: tok.vocabSize,
        bos_token_id: eos,
        eos_token_id: eos,
        tie_word_embeddings: true,
        use_cache: true,
        torch_dtype: 'float32',
        transformers_version: '4.46.0',
      }),
      'generation_config.json': json({
        bos_token_id: eos,
        eos_token_id: eos,
        transformers_version: '4.46.0',
      }),
      'tokenizer.json': json(tok.tokenizerJson),
      'tokenizer_config.json': json(tok.tokenizerConfig),
      'onnx/model.onnx': encodeModel(model),
      'onnx/model_quantized.onnx': encodeModel(quantizeDynamic(model)),
    },
  };
}
