/**
 * Every gradient rule against central finite differences, on a one-op graph (or a small composite)
 * with random inputs, broadcasting included. The op's output is reduced to a scalar through random
 * weights R (f = Σ R ⊙ op(x)) so that no gradient is trivially constant (Σ softmax would be).
 *
 * Error measure: max |analytic − numeric| ÷ max |numeric| over all elements of all inputs.
 * Precision: where onnxruntime's CPU provider has a double kernel for every op involved, the graph is
 * built in float64 and checked with ε = 1e-6 against a tolerance of 1e-6 (measured 1e-11 … 1e-9).
 * Ops with float kernels only (Erf, Gelu, FastGelu, LayerNormalization) run in float32 with ε = 1e-2
 * against a tolerance of 1e-3 (measured 9e-6 … 3e-5: truncation ε²·f‴/6 plus float32 rounding
 * ~1e-7·|f|/ε). The int8 pattern is compared with the float MatMul on the dequantized weight.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nodeOrt } from '../../../node/host.js';
import { finiteDifferenceCheck } from '../../../test/helpers/fd-check.js';
import { logSoftmax64, nearCertainLogits } from '../../../test/helpers/near-certain.js';
import { createSessionFactory, type Feeds } from '../../runtime/session.js';
import { Rng } from '../../util/random.js';
import { type AttrValue, makeModel, node, tensorI64, valueInfo } from '../builder.js';
import { DataType, decodeModel, encodeModel, type ModelProto, type TensorProto } from '../proto.js';
import { quantizeDynamic } from '../quantize.js';
import { floatTensor } from './emit.js';
import { gradientModel } from './gradient-model.js';

const factory = createSessionFactory(nodeOrt, { graphOptimizationLevel: 'all', logSeverityLevel: 3 });
const ort = nodeOrt;

type Precision = 'f32' | 'f64';

interface Input {
  name: string;
  dims: number[];
  /** float inputs are differentiated unless `constant`; int64 / bool ones are fixed data */
  kind?: 'float' | 'int64' | 'bool';
  data?: number[];
  constant?: boolean;
  /** values drawn from [lo, hi) instead of normal(0, 1) */
  range?: [number, number];
}

interface Case {
  name: string;
  /** the op (single node) or a builder of several nodes reading the inputs and writing `y` */
  op?: string;
  attrs?: Record<string, AttrValue>;
  domain?: string;
  nodes?: ReturnType<typeof node>[];
  inputs: Input[];
  outputs?: number;
  precision?: Precision;
  opset?: number;
  extraOpsets?: Record<string, number>;
  tol?: number;
}

const rng = new Rng(7);

function uniform(n: number, [lo, hi]: [number, number]): number[] {
  return Array.from({ length: n }, () => lo + (hi - lo) * rng.next());
}

function size(dims: number[]) {
  return dims.reduce((a, b) => a * b, 1);
}

function initializer(i: Input, dtype: number): TensorProto {
  if (i.kind === 'int64') return tensorI64(i.name, i.dims, i.data!);
  if (i.kind === 'bool')
    return { name: i.name, dims: i.dims, dataType: DataType.BOOL, rawData: Uint8Array.from(i.data!) };
  return floatTensor(i.name, i.dims, i.data!, dtype);
}

/** Builds f(x) = Σ_k Σ R_k ⊙ y_k, with the op's outputs y_k. */
async function buildCase(c: Case): Promise<{ model: ModelProto; feeds: Feeds; wrt: string[] }> {
  const precision = c.precision ?? 'f64';
  const dtype = precision === 'f64' ? DataType.DOUBLE : DataType.FLOAT;
  const outputs = Array.from({ length: c.outputs ?? 1 }, (_, k) => `y${k}`);
  for (const i of c.inputs) {
    if (!i.data) i.data = i.range ? uniform(size(i.dims), i.range) : Array.from(rng.normals(size(i.dims), 1));
  }
  const wrt = c.inputs.filter((i) => (i.kind ?? 'float') === 'float' && !i.constant);
  const inits = c.inputs.filter((i) => !wrt.includes(i)).map((i) => initializer(i, dtype));
  const body = c.nodes ?? [
    node(
      c.op!,
      c.inputs.map((i) => i.name),
      outputs,
      c.attrs ?? {},
      c.op,
      c.domain,
    ),
  ];
  const feeds: Feeds = {};
  for (const i of wrt) {
    feeds[i.name] =
      precision === 'f64'
        ? new ort.Tensor('float64', Float64Array.from(i.data!), i.dims)
        : new ort.Tensor('float32', Float32Array.from(i.data!), i.dims);
  }
  const graph = (extraNodes: ReturnType<typeof node>[], extraInits: TensorProto[], outs: string[]) =>
    makeModel(
      {
        name: c.name,
        node: [...body, ...extraNodes],
        initializer: [...inits, ...extraInits],
        input: wrt.map((i) => valueInfo(i.name, dtype, i.dims)),
        output: outs.map((o) => ({ name: o, type: { tensorType: { elemType: dtype } } })),
      },
      { opset: c.opset ?? 17, extraOpsets: c.extraOpsets },
    );
  // First run the op alone to learn its output shapes, then weight and sum them.
  const probe = await factory.create(encodeModel(graph([], [], outputs)));
  const ys = await probe.run(feeds);
  const extraNodes = [];
  const extraInits = [];
  const terms: string[] = [];
  for (const y of outputs) {
    const dims = ys[y].dims as number[];
    extraInits.push(floatTensor(`R_${y}`, dims, Array.from(rng.normals(size(dims), 1)), dtype));
    extraNodes.push(node('Mul', [y, `R_${y}`], [`w_${y}`]));
    extraNodes.push(node('ReduceSum', [`w_${y}`], [`t_${y}`], { keepdims: 0 }));
    terms.push(`t_${y}`);
  }
  extraNodes.push(node('Sum', terms, ['target']));
  return { model: graph(extraNodes, extraInits, ['target']), feeds, wrt: wrt.map((i) => i.name) };
}

async function check(c: Case) {
  const { model, feeds, wrt } = await buildCase(c);
  const forward = await factory.create(encodeModel(model));
  const gradient = await factory.create(encodeModel(gradientModel(model, { wrt, target: 'target' })));
  const precision = c.precision ?? 'f64';
  const eps = precision === 'f64' ? 1e-6 : 1e-2;
  const report = await finiteDifferenceCheck(forward, gradient, feeds, wrt, 'target', { eps });
  measured[c.name] = { precision, relError: report.relError };
  expect(report.relError, c.name).toBeLessThan(c.tol ?? (precision === 'f64' ? 1e-6 : 1e-3));
  return report;
}

const measured: Record<string, { precision: Precision; relError: number }> = {};

const f = (name: string, dims: number[], extra: Partial<Input> = {}): Input => ({ name, dims, ...extra });

const CASES: Case[] = [
  // broadcasting arithmetic
  { name: 'Add broadcast [2,3,4]+[4]', op: 'Add', inputs: [f('a', [2, 3, 4]), f('b', [4])] },
  { name: 'Add broadcast [2,1,4]+[3,1]', op: 'Add', inputs: [f('a', [2, 1, 4]), f('b', [3, 1])] },
  { name: 'Sub broadcast [3,4]-[2,1,4]', op: 'Sub', inputs: [f('a', [3, 4]), f('b', [2, 1, 4])] },
  { name: 'Mul broadcast [2,3,4]*[2,1,1]', op: 'Mul', inputs: [f('a', [2, 3, 4]), f('b', [2, 1, 1])] },
  { name: 'Mul by constant', op: 'Mul', inputs: [f('a', [2, 3]), f('c', [3], { constant: true })] },
  { name: 'Div broadcast [2,3]/[3]', op: 'Div', inputs: [f('a', [2, 3]), f('b', [3], { range: [0.5, 2] })] },
  { name: 'Div by scalar', op: 'Div', inputs: [f('a', [2, 3]), f('b', [], { range: [0.5, 2] })] },
  {
    name: 'Pow constant exponent 3',
    op: 'Pow',
    inputs: [f('a', [2, 3]), f('p', [], { constant: true, data: [3] })],
  },
  {
    name: 'Pow constant exponent 2',
    op: 'Pow',
    inputs: [f('a', [2, 3]), f('p', [], { constant: true, data: [2] })],
  },
  {
    name: 'Pow varying exponent',
    op: 'Pow',
    inputs: [f('a', [2, 3], { range: [0.5, 2] }), f('p', [3], { range: [-1, 2] })],
  },
  { name: 'Sqrt', op: 'Sqrt', inputs: [f('a', [2, 3], { range: [0.5, 2] })] },
  { name: 'Neg', op: 'Neg', inputs: [f('a', [2, 3])] },
  { name: 'Exp', op: 'Exp', inputs: [f('a', [2, 3])] },
  { name: 'Log', op: 'Log', inputs: [f('a', [2, 3], { range: [0.5, 2] })] },
  { name: 'Reciprocal', op: 'Reciprocal', inputs: [f('a', [2, 3], { range: [0.5, 2] })] },
  { name: 'Sum of three, broadcast', op: 'Sum', inputs: [f('a', [2, 3]), f('b', [3]), f('c', [2, 1])] },
  {
    name: 'Where broadcast',
    op: 'Where',
    inputs: [
      f('m', [2, 1, 4], { kind: 'bool', data: [1, 0, 1, 1, 0, 0, 1, 0] }),
      f('a', [2, 3, 4]),
      f('b', [4]),
    ],
  },
  // activations
  { name: 'Tanh', op: 'Tanh', inputs: [f('a', [2, 5])] },
  { name: 'Sigmoid', op: 'Sigmoid', inputs: [f('a', [2, 5])] },
  { name: 'Relu', op: 'Relu', inputs: [f('a', [2, 5])] },
  { name: 'Erf', op: 'Erf', inputs: [f('a', [2, 5])], precision: 'f32' },
  { name: 'Gelu (opset 20, exact)', op: 'Gelu', inputs: [f('a', [2, 5])], opset: 20, precision: 'f32' },
  {
    name: 'Gelu (opset 20, tanh)',
    op: 'Gelu',
    attrs: { approximate: 'tanh' },
    inputs: [f('a', [2, 5])],
    opset: 20,
    precision: 'f32',
  },
  {
    name: 'Gelu (com.microsoft)',
    op: 'Gelu',
    domain: 'com.microsoft',
    inputs: [f('a', [2, 5])],
    extraOpsets: { 'com.microsoft': 1 },
    precision: 'f32',
  },
  {
    name: 'FastGelu with bias (com.microsoft)',
    op: 'FastGelu',
    domain: 'com.microsoft',
    inputs: [f('a', [2, 5]), f('bias', [5])],
    extraOpsets: { 'com.microsoft': 1 },
    precision: 'f32',
  },
  // linear algebra
  { name: 'MatMul [2,3,4]@[4,5]', op: 'MatMul', inputs: [f('a', [2, 3, 4]), f('b', [4, 5])] },
  {
    name: 'MatMul batch broadcast [2,1,3,4]@[3,4,2]',
    op: 'MatMul',
    inputs: [f('a', [2, 1, 3, 4]), f('b', [3, 4, 2])],
  },
  { name: 'MatMul [4]@[2,4,3]', op: 'MatMul', inputs: [f('a', [4]), f('b', [2, 4, 3])] },
  { name: 'MatMul [2,3,4]@[4]', op: 'MatMul', inputs: [f('a', [2, 3, 4]), f('b', [4])] },
  { name: 'MatMul [4]@[4]', op: 'MatMul', inputs: [f('a', [4]), f('b', [4])] },
  {
    name: 'Gemm',
    op: 'Gemm',
    attrs: { alpha: 0.7, beta: 1.3 },
    inputs: [f('a', [3, 4]), f('b', [4, 2]), f('c', [2])],
  },
  // The defaults, α = β = 1 (the gradient's own Gemm must still carry a FLOAT alpha).
  { name: 'Gemm defaults', op: 'Gemm', inputs: [f('a', [3, 4]), f('b', [4, 2]), f('c', [2])] },
  {
    name: 'Gemm transA transB',
    op: 'Gemm',
    attrs: { alpha: 0.7, transA: 1, transB: 1 },
    inputs: [f('a', [4, 3]), f('b', [2, 4]), f('c', [3, 1])],
  },
  // normalisation and reductions
  { name: 'Softmax axis -1', op: 'Softmax', inputs: [f('a', [2, 3, 4])] },
  { name: 'Softmax axis 1', op: 'Softmax', attrs: { axis: 1 }, inputs: [f('a', [2, 3, 4])] },
  { name: 'LogSoftmax', op: 'LogSoftmax', inputs: [f('a', [2, 5])] },
  {
    name: 'LayerNormalization (x, scale, bias)',
    op: 'LayerNormalization',
    attrs: { axis: -1, epsilon: 1e-5 },
    inputs: [f('a', [2, 3, 6]), f('g', [6]), f('b', [6])],
    precision: 'f32',
  },
  {
    name: 'LayerNormalization axis 1',
    op: 'LayerNormalization',
    attrs: { axis: 1, epsilon: 1e-5 },
    inputs: [f('a', [2, 3, 4]), f('g', [3, 4], { constant: true })],
    precision: 'f32',
  },
  {
    name: 'ReduceSum axes [1] keepdims 0',
    op: 'ReduceSum',
    attrs: { keepdims: 0 },
    inputs: [f('a', [2, 3, 4]), f('ax', [1], { kind: 'int64', data: [1] })],
  },
  { name: 'ReduceSum all', op: 'ReduceSum', inputs: [f('a', [2, 3])] },
  {
    name: 'ReduceMean axes [-1] (opset 17 attribute)',
    op: 'ReduceMean',
    attrs: { axes: [-1] },
    inputs: [f('a', [2, 3, 4])],
  },
  {
    name: 'ReduceMean axes [0,2] keepdims 0',
    op: 'ReduceMean',
    attrs: { axes: [0, 2], keepdims: 0 },
    inputs: [f('a', [2, 3, 4])],
  },
  {
    name: 'ReduceMean (opset 18 input)',
    op: 'ReduceMean',
    opset: 18,
    inputs: [f('a', [2, 3, 4]), f('ax', [1], { kind: 'int64', data: [-1] })],
  },
  // data movement
  { name: 'Identity', op: 'Identity', inputs: [f('a', [2, 3])] },
  { name: 'Cast to double', op: 'Cast', attrs: { to: DataType.DOUBLE }, inputs: [f('a', [2, 3])] },
  {
    name: 'Reshape',
    op: 'Reshape',
    inputs: [f('a', [2, 3, 4]), f('s', [3], { kind: 'int64', data: [0, 4, -1] })],
  },
  { name: 'Transpose', op: 'Transpose', attrs: { perm: [2, 0, 1] }, inputs: [f('a', [2, 3, 4])] },
  { name: 'Transpose default', op: 'Transpose', inputs: [f('a', [2, 3, 4])] },
  {
    name: 'Concat axis 1',
    op: 'Concat',
    attrs: { axis: 1 },
    inputs: [f('a', [2, 1, 3]), f('b', [2, 2, 3]), f('c', [2, 1, 3], { constant: true })],
  },
  {
    name: 'Slice with steps and negatives',
    op: 'Slice',
    inputs: [
      f('a', [4, 6]),
      f('starts', [2], { kind: 'int64', data: [-1, 1] }),
      f('ends', [2], { kind: 'int64', data: [-100, 6] }),
      f('axes', [2], { kind: 'int64', data: [0, 1] }),
      f('steps', [2], { kind: 'int64', data: [-2, 2] }),
    ],
  },
  {
    name: 'Split into 3 (sizes 1,2,3)',
    op: 'Split',
    attrs: { axis: 1 },
    inputs: [f('a', [2, 6]), f('split', [3], { kind: 'int64', data: [1, 2, 3] })],
    outputs: 3,
  },
  { name: 'Squeeze', op: 'Squeeze', inputs: [f('a', [2, 1, 3]), f('ax', [1], { kind: 'int64', data: [1] })] },
  {
    name: 'Unsqueeze',
    op: 'Unsqueeze',
    inputs: [f('a', [2, 3]), f('ax', [2], { kind: 'int64', data: [0, 3] })],
  },
  { name: 'Expand', op: 'Expand', inputs: [f('a', [3, 1]), f('s', [3], { kind: 'int64', data: [2, 3, 4] })] },
  { name: 'Flatten', op: 'Flatten', attrs: { axis: 2 }, inputs: [f('a', [2, 3, 4])] },
  {
    name: 'Gather rows with repeats (axis 0)',
    op: 'Gather',
    inputs: [f('a', [4, 3]), f('i', [2, 2], { kind: 'int64', data: [1, 3, 1, 0] })],
  },
  {
    name: 'Gather scalar index, axis 1',
    op: 'Gather',
    attrs: { axis: 1 },
    inputs: [f('a', [2, 4, 3]), f('i', [], { kind: 'int64', data: [0] })],
  },
  {
    name: 'Gather of a constant table by ids (no gradient needed)',
    nodes: [node('Gather', ['table', 'ids'], ['rows']), node('Mul', ['rows', 'a'], ['y0'])],
    inputs: [
      f('table', [5, 3], { constant: true }),
      f('ids', [2], { kind: 'int64', data: [4, 1] }),
      f('a', [2, 3]),
    ],
  },
];

describe('gradient rules against finite differences', () => {
  for (const c of CASES) it(c.name, () => check(c));

  it('decomposed LayerNorm (ReduceMean, Sub, Pow, Add, Sqrt, Div, Mul, Add)', () =>
    check({
      name: 'decomposed LayerNorm',
      nodes: [
        node('ReduceMean', ['x'], ['mu'], { axes: [-1] }),
        node('Sub', ['x', 'mu'], ['xc']),
        node('Pow', ['xc', 'two'], ['sq']),
        node('ReduceMean', ['sq'], ['var'], { axes: [-1] }),
        node('Add', ['var', 'eps'], ['ve']),
        node('Sqrt', ['ve'], ['sd']),
        node('Div', ['xc', 'sd'], ['xhat']),
        node('Mul', ['xhat', 'gamma'], ['scaled']),
        node('Add', ['scaled', 'beta'], ['y0']),
      ],
      inputs: [
        f('x', [2, 3, 5]),
        f('two', [], { constant: true, data: [2] }),
        f('eps', [], { constant: true, data: [1e-5] }),
        f('gamma', [5]),
        f('beta', [5]),
      ],
    }));

  it('attention block: MatMul, Transpose, Div, Add mask, Softmax, MatMul on dynamic shapes', () =>
    check({
      name: 'attention core',
      nodes: [
        node('Transpose', ['k'], ['kt'], { perm: [0, 1, 3, 2] }),
        node('MatMul', ['q', 'kt'], ['s']),
        node('Div', ['s', 'scale'], ['sd']),
        node('Add', ['sd', 'mask'], ['sm']),
        node('Softmax', ['sm'], ['p'], { axis: -1 }),
        node('MatMul', ['p', 'v'], ['y0']),
      ],
      inputs: [
        f('q', [1, 2, 3, 4]),
        f('k', [1, 2, 3, 4]),
        f('v', [1, 2, 3, 4]),
        f('scale', [], { constant: true, data: [2] }),
        f('mask', [1, 1, 1, 3], { constant: true, data: [0, 0, -1e4] }),
      ],
    }));

  it('int8 MatMul pattern: gradient of A·dequantize(W) (straight-through)', async () => {
    // Quantize a float MatMul; the gradient must equal that of the float MatMul with the dequantized
    // weight, which we check by finite differences of the *float* graph with W = dequantize(W_q).
    const a = f('a', [2, 3, 4]);
    a.data = Array.from(rng.normals(24, 1));
    const w = Array.from(rng.normals(20, 0.5));
    const floatCase: Case = {
      name: 'MatMul float',
      op: 'MatMul',
      inputs: [a, f('w', [4, 5], { constant: true, data: w })],
      precision: 'f32',
    };
    const { model, feeds } = await buildCase(floatCase);
    const q = quantizeDynamic(model);
    expect(q.graph!.node!.some((n) => n.opType === 'MatMulInteger')).toBe(true);
    const gq = await factory.create(encodeModel(gradientModel(q, { wrt: ['a'], target: 'target' })));
    const gradQ = (await gq.run(feeds))['grad.a'].data as Float32Array;
    // Reference: the float graph with W replaced by its dequantized values.
    const wq = q.graph!.initializer!.find((t) => t.name === 'w_quantized')!;
    const scale = new Float32Array(
      q.graph!.initializer!.find((t) => t.name === 'w_scale')!.rawData!.slice().buffer,
    )[0];
    const deq = Array.from(wq.rawData!, (v) => (v - 128) * scale);
    const refModel = decodeModel(encodeModel(model));
    const wInit = refModel.graph!.initializer!.find((t) => t.name === 'w')!;
    wInit.rawData = new Uint8Array(Float32Array.from(deq).buffer);
    const gf = await factory.create(encodeModel(gradientModel(refModel, { wrt: ['a'], target: 'target' })));
    const gradF = (await gf.run(feeds))['grad.a'].data as Float32Array;
    let maxErr = 0;
    let maxAbs = 0;
    for (let i = 0; i < gradF.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(gradF[i] - gradQ[i]));
      maxAbs = Math.max(maxAbs, Math.abs(gradF[i]));
    }
    measured['int8 MatMul (vs float MatMul with dequantized W)'] = {
      precision: 'f32',
      relError: maxErr / maxAbs,
    };
    expect(maxErr / maxAbs).toBeLessThan(1e-5);
  });

  it('LogSoftmax at a near-certain entry (float32): the gradient matches float64', async () => {
    // d log p_t / dx = 1 − p_t at t and −p_j elsewhere; 1 − p_t ≈ 3e-4 is what float32 rounds away.
    const vocab = 8192;
    const x = nearCertainLogits(vocab);
    const model = makeModel({
      name: 'near-certain',
      node: [
        node('LogSoftmax', ['x'], ['y'], { axis: -1 }),
        node('Mul', ['y', 'pick'], ['picked']),
        node('ReduceSum', ['picked'], ['target'], { keepdims: 0 }),
      ],
      initializer: [floatTensor('pick', [1, vocab], [1, ...new Array(vocab - 1).fill(0)], DataType.FLOAT)],
      input: [valueInfo('x', DataType.FLOAT, [1, vocab])],
      output: [valueInfo('target', DataType.FLOAT, [])],
    });
    const g = await factory.create(encodeModel(gradientModel(model, { wrt: ['x'], target: 'target' })));
    const dx = (await g.run({ x: new ort.Tensor('float32', x, [1, vocab]) }))['grad.x'].data as Float32Array;
    const ref = logSoftmax64(x);
    const atTop = 1 - Math.exp(ref[0]); // = −expm1(log p), accurate since ref[0] is
    const topError = Math.abs(dx[0] - atTop) / atTop;
    let otherError = 0;
    for (let j = 1; j < vocab; j++) {
      const p = Math.exp(ref[j]);
      otherError = Math.max(otherError, Math.abs(dx[j] + p) / p);
    }
    measured['LogSoftmax near certainty (vs float64): at the top'] = { precision: 'f32', relError: topError };
    measured['LogSoftmax near certainty (vs float64): elsewhere'] = {
      precision: 'f32',
      relError: otherError,
    };
    expect(topError).toBeLessThan(1e-4);
    expect(otherError).toBeLessThan(1e-4);
  });

  it('refuses an op without a rule on the gradient path, naming it', async () => {
    const { model } = await buildCase({
      name: 'Tile',
      op: 'Tile',
      inputs: [f('a', [2, 3]), f('r', [2], { kind: 'int64', data: [1, 2] })],
    });
    expect(() => gradientModel(model, { wrt: ['a'], target: 'target' })).toThrow(
      /operator Tile \(node "Tile"\)/,
    );
  });

  it('skips integer and shape-only subgraphs', async () => {
    // y = Reshape(a, Concat(Shape(a)[0:1], [-1])) · 2: Shape/Slice/Concat carry no gradient.
    await check({
      name: 'shape subgraph',
      nodes: [
        node('Shape', ['a'], ['s']),
        node('Slice', ['s', 'zero', 'one'], ['s0']),
        node('Concat', ['s0', 'minus1'], ['target_shape'], { axis: 0 }),
        node('Reshape', ['a', 'target_shape'], ['r']),
        node('Mul', ['r', 'two'], ['y0']),
      ],
      inputs: [
        f('a', [2, 3, 2]),
        f('zero', [1], { kind: 'int64', data: [0] }),
        f('one', [1], { kind: 'int64', data: [1] }),
        f('minus1', [1], { kind: 'int64', data: [-1] }),
        f('two', [], { constant: true, data: [2] }),
      ],
    });
  });

  // the figures, for the README (each case asserted its own bound)
  afterAll(() => {
    const rows = Object.entries(measured).map(
      ([k, v]) => `${v.precision} ${v.relError.toExponential(1)}  ${k}`,
    );
    console.log(`FD relative errors (max |analytic − numeric| / max |numeric|):\n${rows.join('\n')}`);
  });
});
