/**
 * tiny-marian: a Marian-style encoder-decoder (MarianMTModel): 2 + 2 post-LayerNorm layers, scaled
 * shared embeddings, sinusoidal positions computed in the graph, LM head tied to the embedding.
 *
 * transformers.js runs seq2seq models as `encoder_model` + `decoder_model_merged`, feeding the decoder
 * a zero-length self-attention cache on the first step (optimum's `use_cache_branch` is optional). So
 * one decoder graph, with `past_key_values.{i}.decoder.*` inputs, serves as both `decoder_model` and
 * `decoder_model_merged`; the cross-attention K/V are recomputed from `encoder_hidden_states` each step.
 */
import { tensorF32 } from '../../shared/onnx/builder.js';
import type { TensorProto } from '../../shared/onnx/proto.js';
import { DataType, encodeModel } from '../../shared/onnx/proto.js';
import { quantizeDynamic } from '../../shared/onnx/quantize.js';
import { Rng } from '../../shared/util/random.js';
import { json, type ModelFiles } from './files.js';
import { GraphBuilder } from './graph.js';
import {
  type AttentionMask,
  attentionCore,
  causalAllowed,
  dimOf,
  ffn,
  layerNorm,
  linear,
  mergeHeads,
  paddingMaskAdditive,
  sinusoidalPositions,
  splitHeads,
} from './layers.js';
import { tinyMarianTokenizer } from './tokenizers.js';

export const TINY_MARIAN = {
  hidden: 32,
  heads: 4,
  encoderLayers: 2,
  decoderLayers: 2,
  ffn: 64,
  maxPositions: 512,
  eps: 1e-5,
};

const F = DataType.FLOAT;
const I64 = DataType.INT64;

interface Attn {
  scope: string;
  param: string;
  /** Source of K and V: the layer input itself (self-attention) or the encoder states (cross). */
  kvInput: string;
  mask: AttentionMask;
  /** Self-attention cache: past K/V inputs and the names of the present outputs. */
  cache?: { pastK: string; pastV: string; presentK: string; presentV: string };
}

/** Multi-head attention with q/k/v/out projections, the BART/Marian layout. */
function mha(g: GraphBuilder, x: string, a: Attn): string {
  const { hidden, heads } = TINY_MARIAN;
  const headDim = hidden / heads;
  const proj = (input: string, name: string, std: number) =>
    linear(g, input, {
      scope: `${a.scope}/${name}`,
      param: `${a.param}.${name}`,
      inDim: hidden,
      outDim: hidden,
      std,
    });
  const q = splitHeads(g, proj(x, 'q_proj', 0.3), a.scope, heads, headDim);
  let k = splitHeads(g, proj(a.kvInput, 'k_proj', 0.3), a.scope, heads, headDim);
  let v = splitHeads(g, proj(a.kvInput, 'v_proj', 0.2), a.scope, heads, headDim);
  if (a.cache) {
    k = g.op1(a.scope, 'Concat', [a.cache.pastK, k], { attrs: { axis: 2 }, outputs: [a.cache.presentK] });
    v = g.op1(a.scope, 'Concat', [a.cache.pastV, v], { attrs: { axis: 2 }, outputs: [a.cache.presentV] });
  }
  const { context } = attentionCore(g, a.scope, q, k, v, headDim, a.mask);
  return proj(mergeHeads(g, context, a.scope, hidden), 'out_proj', 0.2);
}

/** Post-LayerNorm sublayer: LayerNorm(x + f(x)). */
function residualNorm(
  g: GraphBuilder,
  x: string,
  fx: string,
  scope: string,
  normName: string,
  param: string,
  output?: string,
): string {
  const sum = g.op1(scope, 'Add', [x, fx]);
  return layerNorm(
    g,
    sum,
    `${scope}/${normName}`,
    `${param}.${normName}`,
    TINY_MARIAN.hidden,
    TINY_MARIAN.eps,
    output,
  );
}

function feedForward(g: GraphBuilder, x: string, scope: string, param: string): string {
  const { hidden, ffn: inner } = TINY_MARIAN;
  return ffn(g, x, {
    up: { scope: `${scope}/fc1`, param: `${param}.fc1`, inDim: hidden, outDim: inner, std: 0.1 },
    down: { scope: `${scope}/fc2`, param: `${param}.fc2`, inDim: inner, outDim: hidden, std: 0.1 },
    actScope: `${scope}/activation_fn`,
    act: 'erf',
  });
}

/** Token embedding × √d plus sinusoidal positions start … start + s − 1. */
function embed(g: GraphBuilder, ids: string, shared: TensorProto, start: string, stack: string): string {
  const { hidden } = TINY_MARIAN;
  const S = `/model/${stack}`;
  if (!g.initializers.includes(shared)) g.initializers.push(shared);
  const tokens = g.op1(`${S}/embed_tokens`, 'Gather', [shared.name!, ids]);
  const scaled = g.op1(S, 'Mul', [tokens, g.constF32([Math.sqrt(hidden)], [])]);
  const end = g.op1(S, 'Add', [start, dimOf(g, ids, 1, S)]);
  const positions = sinusoidalPositions(g, start, end, hidden, `${S}/embed_positions`);
  return g.op1(S, 'Add', [scaled, positions]);
}

function buildEncoder(rng: Rng, shared: TensorProto) {
  const c = TINY_MARIAN;
  const g = new GraphBuilder('tiny-marian-encoder', rng);
  const ids = g.input('input_ids', I64, ['batch_size', 'encoder_sequence_length']);
  const mask = g.input('attention_mask', I64, ['batch_size', 'encoder_sequence_length']);
  let h = embed(g, ids, shared, g.constI64([0], []), 'encoder');
  const additive = paddingMaskAdditive(g, mask, '/model/encoder');
  for (let i = 0; i < c.encoderLayers; i++) {
    const S = `/model/encoder/layers.${i}`;
    const P = `model.encoder.layers.${i}`;
    const a = mha(g, h, { scope: `${S}/self_attn`, param: `${P}.self_attn`, kvInput: h, mask: { additive } });
    h = residualNorm(g, h, a, S, 'self_attn_layer_norm', P);
    // Marian's encoder has no final LayerNorm after the stack: the last layer's output is the result.
    const out = i === c.encoderLayers - 1 ? 'last_hidden_state' : undefined;
    h = residualNorm(g, h, feedForward(g, h, S, P), S, 'final_layer_norm', P, out);
  }
  g.output('last_hidden_state', F, ['batch_size', 'encoder_sequence_length', c.hidden]);
  return g.model();
}

function buildDecoder(rng: Rng, shared: TensorProto, vocabSize: number) {
  const c = TINY_MARIAN;
  const headDim = c.hidden / c.heads;
  const g = new GraphBuilder('tiny-marian-decoder', rng);
  const total = 'past_decoder_sequence_length + decoder_sequence_length';
  const encMask = g.input('encoder_attention_mask', I64, ['batch_size', 'encoder_sequence_length']);
  const ids = g.input('input_ids', I64, ['batch_size', 'decoder_sequence_length']);
  const enc = g.input('encoder_hidden_states', F, ['batch_size', 'encoder_sequence_length', c.hidden]);
  for (let i = 0; i < c.decoderLayers; i++) {
    for (const kv of ['key', 'value']) {
      g.input(`past_key_values.${i}.decoder.${kv}`, F, [
        'batch_size',
        c.heads,
        'past_decoder_sequence_length',
        headDim,
      ]);
    }
  }
  g.output('logits', F, ['batch_size', 'decoder_sequence_length', vocabSize]);

  const D = '/model/decoder';
  const past = dimOf(g, 'past_key_values.0.decoder.key', 2, D);
  let h = embed(g, ids, shared, past, 'decoder');
  const totalLen = g.op1(D, 'Add', [past, dimOf(g, ids, 1, D)]);
  const allowed = causalAllowed(g, past, totalLen, D);
  const crossMask = paddingMaskAdditive(g, encMask, D);

  for (let i = 0; i < c.decoderLayers; i++) {
    const S = `${D}/layers.${i}`;
    const P = `model.decoder.layers.${i}`;
    const cache = {
      pastK: `past_key_values.${i}.decoder.key`,
      pastV: `past_key_values.${i}.decoder.value`,
      presentK: `present.${i}.decoder.key`,
      presentV: `present.${i}.decoder.value`,
    };
    const a = mha(g, h, {
      scope: `${S}/self_attn`,
      param: `${P}.self_attn`,
      kvInput: h,
      mask: { allowed },
      cache,
    });
    h = residualNorm(g, h, a, S, 'self_attn_layer_norm', P);
    const x = mha(g, h, {
      scope: `${S}/encoder_attn`,
      param: `${P}.encoder_attn`,
      kvInput: enc,
      mask: { additive: crossMask },
    });
    h = residualNorm(g, h, x, S, 'encoder_attn_layer_norm', P);
    h = residualNorm(g, h, feedForward(g, h, S, P), S, 'final_layer_norm', P);
    g.output(cache.presentK, F, ['batch_size', c.heads, total, headDim]);
    g.output(cache.presentV, F, ['batch_size', c.heads, total, headDim]);
  }

  // LM head tied to the shared embedding, plus Marian's (zero) final_logits_bias.
  const wT = g.op1('/lm_head', 'Transpose', [shared.name!], { attrs: { perm: [1, 0] } });
  const y = g.op1('/lm_head', 'MatMul', [h, wT]);
  const bias = g.param('final_logits_bias', [1, vocabSize], 0, 0);
  g.op1('', 'Add', [y, bias], { outputs: ['logits'] });
  return g.model();
}

export function buildTinyMarian(seed = 3): ModelFiles {
  const c = TINY_MARIAN;
  const tok = tinyMarianTokenizer();
  const rng = new Rng(seed);
  // Drawn once and put in both graphs: encoder, decoder and LM head share one embedding.
  const sharedW = tensorF32(
    'model.shared.weight',
    [tok.vocabSize, c.hidden],
    rng.normals(tok.vocabSize * c.hidden, 0.1),
  );
  const encoder = buildEncoder(rng, sharedW);
  const decoder = buildDecoder(rng, sharedW, tok.vocabSize);
  const pad = tok.special['<pad>'];
  const eos = tok.special['</s>'];

  const encoderBytes = encodeModel(encoder);
  const encoderQ = encodeModel(quantizeDynamic(encoder));
  const decoderBytes = encodeModel(decoder);
  const decoderQ = encodeModel(quantizeDynamic(decoder));
  return {
    files: {
      'config.json': json({
        _name_or_path: 'tiny-marian',
        model_type: 'marian',
        architectures: ['MarianMTModel'],
        d_model: c.hidden,
        encoder_layers: c.encoderLayers,
        decoder_layers: c.decoderLayers,
        num_hidden_layers: c.encoderLayers,
        encoder_attention_heads: c.heads,
        decoder_attention_heads: c.heads,
        encoder_ffn_dim: c.ffn,
        decoder_ffn_dim: c.ffn,
        activation_function: 'gelu',
        max_position_embeddings: c.maxPositions,
        vocab_size: tok.vocabSize,
        decoder_vocab_size: tok.vocabSize,
        scale_embedding: true,
        static_position_embeddings: true,
        normalize_before: false,
        share_encoder_decoder_embeddings: true,
        tie_word_embeddings: true,
        is_encoder_decoder: true,
        use_cache: true,
        pad_token_id: pad,
        eos_token_id: eos,
        forced_eos_token_id: eos,
        decoder_start_token_id: pad,
        init_std: 0.02,
        torch_dtype: 'float32',
        transformers_version: '4.46.0',
      }),
      'generation_config.json': json({
        pad_token_id: pad,
        eos_token_id: eos,
        forced_eos_token_id: eos,
        decoder_start_token_id: pad,
        bad_words_ids: [[pad]],
        max_length: c.maxPositions,
        transformers_version: '4.46.0',
      }),
      'tokenizer.json': json(tok.tokenizerJson),
      'tokenizer_config.json': json(tok.tokenizerConfig),
      'onnx/encoder_model.onnx': encoderBytes,
      'onnx/encoder_model_quantized.onnx': encoderQ,
      'onnx/decoder_model.onnx': decoderBytes,
      'onnx/decoder_model_quantized.onnx': decoderQ,
      'onnx/decoder_model_merged.onnx': decoderBytes,
      'onnx/decoder_model_merged_quantized.onnx': decoderQ,
    },
  };
}
