import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { makeModel, node, tensorF32, valueInfo } from './builder.js';
import { chainGraphs } from './chain.js';
import { DataType, encodeModel } from './proto.js';

const F = DataType.FLOAT;

/** first: x → Relu → h (and a second output, dropped by the chain). Both graphs name a tensor `t`. */
const first = makeModel({
  name: 'first',
  input: [valueInfo('x', F, [2])],
  output: [valueInfo('h', F, [2]), valueInfo('t', F, [2])],
  node: [node('Relu', ['x'], ['h'], {}, 'relu'), node('Neg', ['x'], ['t'], {}, 'neg')],
});

/** second: (enc + y) · W → t → Identity → out */
const second = makeModel(
  {
    name: 'second',
    input: [valueInfo('enc', F, [2]), valueInfo('y', F, [2])],
    output: [valueInfo('out', F, [2])],
    initializer: [tensorF32('W', [2], [2, 3])],
    node: [
      node('Add', ['enc', 'y'], ['s'], {}, 'add'),
      node('Mul', ['s', 'W'], ['t'], {}, 'mul'),
      node('Identity', ['t'], ['out'], {}, 'neg'),
    ],
  },
  { opset: 18 },
);

describe('chainGraphs', () => {
  it("feeds second's linked input from first's output, prefixes the rest, keeps what it is told", async () => {
    const m = chainGraphs(first, second, { links: { enc: 'h' }, prefix: 'b/', keep: ['out'] });
    const g = m.graph!;
    expect(g.input!.map((i) => i.name)).toEqual(['x', 'b/y']);
    expect(g.output!.map((o) => o.name)).toEqual(['out']);
    expect(g.initializer!.map((t) => t.name)).toEqual(['b/W']);
    expect(g.node!.map((n) => n.name)).toEqual(['relu', 'neg', 'b/add', 'b/mul', 'b/neg']);
    expect(g.node!.find((n) => n.name === 'b/add')!.input).toEqual(['h', 'b/y']);
    expect(m.opsetImport).toEqual([{ domain: '', version: 18 }]);
    const s = await ort.InferenceSession.create(encodeModel(m));
    const out = await s.run({
      x: new ort.Tensor('float32', Float32Array.of(-1, 2), [2]),
      'b/y': new ort.Tensor('float32', Float32Array.of(10, 20), [2]),
    });
    expect(Array.from(out.out.data as Float32Array)).toEqual([(0 + 10) * 2, (2 + 20) * 3]);
  });

  it('refuses a link to an output the first graph does not have', () => {
    expect(() => chainGraphs(first, second, { links: { enc: 'nope' }, prefix: 'b/' })).toThrow(
      /no output nope/,
    );
  });
});
