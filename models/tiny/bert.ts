/** tiny-bert: a 2-layer BERT encoder with a 3-way sequence-classification head (BertForSequenceClassification). */
import { DataType, encodeModel } from '../../shared/onnx/proto.js';
import { quantizeDynamic } from '../../shared/onnx/quantize.js';
import { Rng } from '../../shared/util/random.js';
import { json, type ModelFiles } from './files.js';
import { GraphBuilder } from './graph.js';
import {
  attentionCore,
  dimOf,
  ffn,
  layerNorm,
  linear,
  mergeHeads,
  paddingMaskAdditive,
  splitHeads,
} from './layers.js';
import { tinyBertTokenizer } from './tokenizers.js';

export const TINY_BERT = {
  hidden: 32,
  heads: 4,
  layers: 2,
  ffn: 64,
  maxPositions: 512,
  typeVocab: 2,
  eps: 1e-12,
  labels: ['negative', 'neutral', 'positive'],
};

export function buildTinyBert(seed = 1): ModelFiles {
  const c = TINY_BERT;
  const headDim = c.hidden / c.heads;
  const tok = tinyBertTokenizer();
  const g = new GraphBuilder('tiny-bert', new Rng(seed));
  const F = DataType.FLOAT;
  const I64 = DataType.INT64;

  const ids = g.input('input_ids', I64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', I64, ['batch_size', 'sequence_length']);
  const types = g.input('token_type_ids', I64, ['batch_size', 'sequence_length']);

  // Embeddings: word + position (0 … s−1, from the input's shape) + token type, then LayerNorm.
  const E = '/bert/embeddings';
  const wordW = g.param('bert.embeddings.word_embeddings.weight', [tok.vocabSize, c.hidden], 0.1);
  const posW = g.param('bert.embeddings.position_embeddings.weight', [c.maxPositions, c.hidden], 0.1);
  const typeW = g.param('bert.embeddings.token_type_embeddings.weight', [c.typeVocab, c.hidden], 0.1);
  const words = g.op1(`${E}/word_embeddings`, 'Gather', [wordW, ids]);
  const seqLen = dimOf(g, ids, 1, E);
  const range = g.op1(E, 'Range', [g.constI64([0], []), seqLen, g.constI64([1], [])]);
  const positionIds = g.op1(E, 'Unsqueeze', [range, g.constI64([0])]);
  const positions = g.op1(`${E}/position_embeddings`, 'Gather', [posW, positionIds]);
  const typeEmb = g.op1(`${E}/token_type_embeddings`, 'Gather', [typeW, types]);
  const sum = g.op1(E, 'Add', [g.op1(E, 'Add', [words, typeEmb]), positions]);
  let h = layerNorm(g, sum, `${E}/LayerNorm`, 'bert.embeddings.LayerNorm', c.hidden, c.eps);

  const additive = paddingMaskAdditive(g, mask, '/bert');

  for (let i = 0; i < c.layers; i++) {
    const S = `/bert/encoder/layer.${i}`;
    const P = `bert.encoder.layer.${i}`;
    const self = `${S}/attention/self`;
    const proj = (name: string, std: number) =>
      linear(g, h, {
        scope: `${self}/${name}`,
        param: `${P}.attention.self.${name}`,
        inDim: c.hidden,
        outDim: c.hidden,
        std,
      });
    // Q and K weights are larger than the rest so that softmax rows differ visibly.
    const q = splitHeads(g, proj('query', 0.3), self, c.heads, headDim);
    const k = splitHeads(g, proj('key', 0.3), self, c.heads, headDim);
    const v = splitHeads(g, proj('value', 0.2), self, c.heads, headDim);
    const { context } = attentionCore(g, self, q, k, v, headDim, { additive });
    const merged = mergeHeads(g, context, self, c.hidden);
    const out = linear(g, merged, {
      scope: `${S}/attention/output/dense`,
      param: `${P}.attention.output.dense`,
      inDim: c.hidden,
      outDim: c.hidden,
      std: 0.2,
    });
    const res1 = g.op1(`${S}/attention/output`, 'Add', [out, h]);
    h = layerNorm(
      g,
      res1,
      `${S}/attention/output/LayerNorm`,
      `${P}.attention.output.LayerNorm`,
      c.hidden,
      c.eps,
    );
    const f = ffn(g, h, {
      up: {
        scope: `${S}/intermediate/dense`,
        param: `${P}.intermediate.dense`,
        inDim: c.hidden,
        outDim: c.ffn,
        std: 0.1,
      },
      down: {
        scope: `${S}/output/dense`,
        param: `${P}.output.dense`,
        inDim: c.ffn,
        outDim: c.hidden,
        std: 0.1,
      },
      actScope: `${S}/intermediate/intermediate_act_fn`,
      act: 'erf',
    });
    const res2 = g.op1(`${S}/output`, 'Add', [f, h]);
    h = layerNorm(g, res2, `${S}/output/LayerNorm`, `${P}.output.LayerNorm`, c.hidden, c.eps);
  }

  // Pooler: first token ([CLS]) → dense → tanh; then the classifier.
  const first = g.op1('/bert/pooler', 'Gather', [h, g.constI64([0], [])], { attrs: { axis: 1 } });
  const pooled = g.op1('/bert/pooler/activation', 'Tanh', [
    linear(g, first, {
      scope: '/bert/pooler/dense',
      param: 'bert.pooler.dense',
      inDim: c.hidden,
      outDim: c.hidden,
      std: 0.2,
    }),
  ]);
  const cw = g.param('classifier.weight', [c.hidden, c.labels.length], 0.5);
  const cb = g.param('classifier.bias', [c.labels.length], 0.05);
  g.op1('/classifier', 'Add', [g.op1('/classifier', 'MatMul', [pooled, cw]), cb], { outputs: ['logits'] });
  g.output('logits', F, ['batch_size', c.labels.length]);

  const model = g.model();
  const id2label = Object.fromEntries(c.labels.map((l, i) => [String(i), l]));
  const label2id = Object.fromEntries(c.labels.map((l, i) => [l, i]));
  return {
    files: {
      'config.json': json({
        _name_or_path: 'tiny-bert',
        model_type: 'bert',
        architectures: ['BertForSequenceClassification'],
        hidden_size: c.hidden,
        num_attention_heads: c.heads,
        num_hidden_layers: c.layers,
        intermediate_size: c.ffn,
        hidden_act: 'gelu',
        hidden_dropout_prob: 0.1,
        attention_probs_dropout_prob: 0.1,
        max_position_embeddings: c.maxPositions,
        type_vocab_size: c.typeVocab,
        layer_norm_eps: c.eps,
        initializer_range: 0.02,
        position_embedding_type: 'absolute',
        vocab_size: tok.vocabSize,
        pad_token_id: tok.special['[PAD]'],
        id2label,
        label2id,
        problem_type: 'single_label_classification',
        torch_dtype: 'float32',
        transformers_version: '4.46.0',
      }),
      'tokenizer.json': json(tok.tokenizerJson),
      'tokenizer_config.json': json(tok.tokenizerConfig),
      'onnx/model.onnx': encodeModel(model),
      'onnx/model_quantized.onnx': encodeModel(quantizeDynamic(model)),
    },
  };
}
