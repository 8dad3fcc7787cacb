/**
 * tiny-bert-fused: tiny-bert (same weights, same seed) in the export style of onnxruntime's transformer
 * optimizer (what ORT-optimized transformers.js / Optimum BERT exports contain): each self-attention
 * block one com.microsoft.Attention (packed QKV weights, 2-D mask_index), each residual + LayerNorm one
 * SkipLayerNormalization (the projection's bias folded into it), each erf-GELU with its bias one
 * BiasGelu. Embeddings, pooler and classifier stay as in tiny-bert. Loading it goes through
 * ../../shared/onnx/unfuse, so its attention and saliency must equal tiny-bert's.
 */
import { node, tensorI64 } from '../../shared/onnx/builder.js';
import { DataType, decodeModel, encodeModel, type TensorProto } from '../../shared/onnx/proto.js';
import { quantizeDynamic } from '../../shared/onnx/quantize.js';
import { readFloat32 } from '../../shared/onnx/tensor-data.js';
import { Rng } from '../../shared/util/random.js';
import { buildTinyBert, TINY_BERT } from './bert.js';
import type { ModelFiles } from './files.js';
import { GraphBuilder } from './graph.js';
import { dimOf } from './layers.js';

const MS = 'com.microsoft';

export function buildTinyBertFused(seed = 1): ModelFiles {
  const c = TINY_BERT;
  const plain = buildTinyBert(seed);
  const init = new Map(
    decodeModel(plain.files['onnx/model.onnx'] as Uint8Array).graph!.initializer!.map((t) => [t.name!, t]),
  );
  const g = new GraphBuilder('tiny-bert-fused', new Rng(seed));
  const weight = (name: string) => {
    g.initializers.push(init.get(name) as TensorProto);
    return name;
  };
  const data = (name: string) => readFloat32(init.get(name) as TensorProto);
  const fused = (
    scope: string,
    opType: string,
    inputs: string[],
    attrs: Record<string, number | { float: number }>,
  ) => {
    const out = `${scope}/${opType}_output_0`;
    g.nodes.push(node(opType, inputs, [out], attrs, `${scope}/${opType}`, MS));
    return out;
  };
  const I64 = DataType.INT64;
  const ids = g.input('input_ids', I64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', I64, ['batch_size', 'sequence_length']);
  const types = g.input('token_type_ids', I64, ['batch_size', 'sequence_length']);

  const E = '/bert/embeddings';
  const words = g.op1(`${E}/word_embeddings`, 'Gather', [
    weight('bert.embeddings.word_embeddings.weight'),
    ids,
  ]);
  const range = g.op1(E, 'Range', [g.constI64([0], []), dimOf(g, ids, 1, E), g.constI64([1], [])]);
  const positionIds = g.op1(E, 'Unsqueeze', [range, g.constI64([0])]);
  const positions = g.op1(`${E}/position_embeddings`, 'Gather', [
    weight('bert.embeddings.position_embeddings.weight'),
    positionIds,
  ]);
  const typeEmb = g.op1(`${E}/token_type_embeddings`, 'Gather', [
    weight('bert.embeddings.token_type_embeddings.weight'),
    types,
  ]);
  const sum = g.op1(E, 'Add', [g.op1(E, 'Add', [words, typeEmb]), positions]);
  let h = g.op1(
    `${E}/LayerNorm`,
    'LayerNormalization',
    [sum, weight('bert.embeddings.LayerNorm.weight'), weight('bert.embeddings.LayerNorm.bias')],
    { attrs: { axis: -1, epsilon: c.eps } },
  );
  const maskIndex = g.op1('/bert', 'Cast', [mask], { attrs: { to: DataType.INT32 } });

  for (let i = 0; i < c.layers; i++) {
    const S = `/bert/encoder/layer.${i}`;
    const P = `bert.encoder.layer.${i}`;
    const parts = ['query', 'key', 'value'].map((p) => `${P}.attention.self.${p}`);
    // [hidden, 3·hidden]: row r is query row r | key row r | value row r.
    const qkv = new Float32Array(c.hidden * 3 * c.hidden);
    parts.forEach((p, j) => {
      const wj = data(`${p}.weight`);
      for (let r = 0; r < c.hidden; r++)
        qkv.set(wj.subarray(r * c.hidden, (r + 1) * c.hidden), r * 3 * c.hidden + j * c.hidden);
    });
    const W = g.tensor(`${P}.attention.self.qkv.weight`, [c.hidden, 3 * c.hidden], qkv);
    const b = g.tensor(
      `${P}.attention.self.qkv.bias`,
      [3 * c.hidden],
      Float32Array.from(parts.flatMap((p) => Array.from(data(`${p}.bias`)))),
    );
    const att = fused(`${S}/attention/self`, 'Attention', [h, W, b, maskIndex], { num_heads: c.heads });
    const o = g.op1(`${S}/attention/output/dense`, 'MatMul', [
      att,
      weight(`${P}.attention.output.dense.weight`),
    ]);
    h = fused(
      `${S}/attention/output`,
      'SkipLayerNormalization',
      [
        o,
        h,
        weight(`${P}.attention.output.LayerNorm.weight`),
        weight(`${P}.attention.output.LayerNorm.bias`),
        weight(`${P}.attention.output.dense.bias`),
      ],
      { epsilon: { float: c.eps } },
    );
    const up = g.op1(`${S}/intermediate/dense`, 'MatMul', [h, weight(`${P}.intermediate.dense.weight`)]);
    const act = fused(`${S}/intermediate`, 'BiasGelu', [up, weight(`${P}.intermediate.dense.bias`)], {});
    const down = g.op1(`${S}/output/dense`, 'MatMul', [act, weight(`${P}.output.dense.weight`)]);
    h = fused(
      `${S}/output`,
      'SkipLayerNormalization',
      [
        down,
        h,
        weight(`${P}.output.LayerNorm.weight`),
        weight(`${P}.output.LayerNorm.bias`),
        weight(`${P}.output.dense.bias`),
      ],
      { epsilon: { float: c.eps } },
    );
  }

  const first = g.op1('/bert/pooler', 'Gather', [h, g.constI64([0], [])], { attrs: { axis: 1 } });
  const dense = g.op1('/bert/pooler/dense', 'Add', [
    g.op1('/bert/pooler/dense', 'MatMul', [first, weight('bert.pooler.dense.weight')]),
    weight('bert.pooler.dense.bias'),
  ]);
  const pooled = g.op1('/bert/pooler/activation', 'Tanh', [dense]);
  g.op1(
    '/classifier',
    'Add',
    [g.op1('/classifier', 'MatMul', [pooled, weight('classifier.weight')]), weight('classifier.bias')],
    {
      outputs: ['logits'],
    },
  );
  g.output('logits', DataType.FLOAT, ['batch_size', c.labels.length]);

  const model = g.model();
  model.opsetImport!.push({ domain: MS, version: 1 });
  const config = JSON.parse(plain.files['config.json'] as string);
  return {
    files: {
      ...plain.files,
      'config.json': `${JSON.stringify({ ...config, _name_or_path: 'tiny-bert-fused' }, null, 2)}\n`,
      'onnx/model.onnx': encodeModel(model),
      'onnx/model_quantized.onnx': encodeModel(quantizeDynamic(model)),
    },
  };
}

/**
 * tiny-bert-fused whose Attention nodes read a 1-D mask_index (sequence lengths, what older ORT
 * optimizers emitted), which onnxruntime runs and the unfuse rewrite refuses: the fixture for "a
 * fused operator blocks attention, everything forward-only still works".
 */
export function buildTinyBertFusedLengthMask(seed = 1): ModelFiles {
  const fused = buildTinyBertFused(seed);
  const m = decodeModel(fused.files['onnx/model.onnx'] as Uint8Array);
  const g = m.graph!;
  g.node!.unshift(
    node('ReduceSum', ['attention_mask', 'lens_axes'], ['lens64'], { keepdims: 0 }, '/bert/lens/ReduceSum'),
    node('Cast', ['lens64'], ['mask_index_1d'], { to: DataType.INT32 }, '/bert/lens/Cast'),
  );
  g.initializer!.push(tensorI64('lens_axes', [1], [1]));
  for (const n of g.node!) if (n.opType === 'Attention') n.input![3] = 'mask_index_1d';
  const config = JSON.parse(fused.files['config.json'] as string);
  return {
    files: {
      ...fused.files,
      'config.json': `${JSON.stringify({ ...config, _name_or_path: 'tiny-bert-fused-length-mask' }, null, 2)}\n`,
      'onnx/model.onnx': encodeModel(m),
      'onnx/model_quantized.onnx': encodeModel(quantizeDynamic(m)),
    },
  };
}
