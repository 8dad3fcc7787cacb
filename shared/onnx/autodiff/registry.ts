/** Gradient rules by op type (`domain/OpType` for ops outside the default ONNX domain). */
import type { NodeProto } from '../proto.js';
import * as act from './rules/activation.js';
import * as ew from './rules/elementwise.js';
import { gather } from './rules/gather.js';
import { gemm, matmul } from './rules/matmul.js';
import { layerNorm } from './rules/normalization.js';
import {
  AUTODIFF_DOMAIN,
  DEQUANTIZED_MATMUL,
  dequantizedMatMul,
  dynamicQuantizeMatMul,
} from './rules/quant.js';
import { reduce } from './rules/reduce.js';
import * as sh from './rules/shape.js';
import { logSoftmax, softmax } from './rules/softmax.js';
import type { GradRule } from './rules/types.js';

const MS = 'com.microsoft';

export const RULES: ReadonlyMap<string, GradRule> = new Map<string, GradRule>([
  // arithmetic
  ['Add', ew.add],
  ['Sub', ew.sub],
  ['Mul', ew.mul],
  ['Div', ew.div],
  ['Pow', ew.pow],
  ['Neg', ew.neg],
  ['Sqrt', ew.sqrt],
  ['Exp', ew.exp],
  ['Log', ew.log],
  ['Reciprocal', ew.reciprocal],
  ['Abs', ew.abs],
  ['Sin', ew.sin],
  ['Cos', ew.cos],
  ['Sum', ew.sum],
  ['Mean', ew.sum],
  ['Max', ew.maxMin],
  ['Min', ew.maxMin],
  ['Where', ew.where],
  ['Floor', ew.zeroGradient],
  ['Ceil', ew.zeroGradient],
  ['Round', ew.zeroGradient],
  ['Sign', ew.zeroGradient],
  // activations
  ['Tanh', act.tanh],
  ['Sigmoid', act.sigmoid],
  ['Relu', act.relu],
  ['LeakyRelu', act.leakyRelu],
  ['Erf', act.erf],
  ['Gelu', act.gelu],
  [`${MS}/Gelu`, act.gelu],
  [`${MS}/FastGelu`, act.biasedGelu],
  [`${MS}/BiasGelu`, act.biasedGelu],
  // linear algebra
  ['MatMul', matmul],
  ['Gemm', gemm],
  [`${AUTODIFF_DOMAIN}/${DEQUANTIZED_MATMUL}`, dequantizedMatMul],
  [`${MS}/DynamicQuantizeMatMul`, dynamicQuantizeMatMul],
  // normalisation and reductions
  ['Softmax', softmax],
  ['LogSoftmax', logSoftmax],
  ['LayerNormalization', layerNorm],
  ['ReduceSum', reduce],
  ['ReduceMean', reduce],
  // data movement
  ['Identity', sh.identity],
  ['Dropout', sh.identity],
  ['Cast', sh.cast],
  ['Reshape', sh.reshapeBack],
  ['Flatten', sh.reshapeBack],
  ['Squeeze', sh.reshapeBack],
  ['Unsqueeze', sh.reshapeBack],
  ['Expand', sh.expand],
  ['Transpose', sh.transpose],
  ['Concat', sh.concat],
  ['Split', sh.split],
  ['Slice', sh.slice],
  ['Gather', gather],
]);

export function ruleKey(n: NodeProto): string {
  const d = n.domain ?? '';
  return d === '' || d === 'ai.onnx' ? n.opType! : `${d}/${n.opType}`;
}

export class NoGradientRuleError extends Error {
  readonly code = 'gradient_not_supported';
}

export function ruleFor(n: NodeProto): GradRule {
  const rule = RULES.get(ruleKey(n));
  if (!rule) {
    throw new NoGradientRuleError(
      `autodiff: operator ${ruleKey(n)} (node "${n.name || n.output?.[0]}") lies on the gradient path and has no gradient rule`,
    );
  }
  return rule;
}
