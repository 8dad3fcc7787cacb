/**
 * The value-zeroing rewrite on tiny-bert: a mask of ones leaves every output as the original graph
 * gives it; zeroing the value of a padded token (which the attention mask gives weight exactly 0)
 * changes nothing; zeroing a real token changes the layer's output.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { bytes, families, paddedFeeds } from '../../test/helpers/tiny-graphs.js';
import { exposeAttentionInPlace } from './expose-attention.js';
import { exposeHiddenInPlace } from './expose-hidden.js';
import { decodeModel, encodeModel } from './proto.js';
import { addValueZeroingInPlace, VALUE_MASK_INPUT } from './value-zeroing.js';

const BLOCKS = 2;
const KEYS = 6;

/** mask [2 examples, blocks, keys] of ones, with (example, block, key) zeroed. */
function mask(zero: [number, number, number][] = []) {
  const data = new Float32Array(2 * BLOCKS * KEYS).fill(1);
  for (const [b, k, j] of zero) data[(b * BLOCKS + k) * KEYS + j] = 0;
  return new ort.Tensor('float32', data, [2, BLOCKS, KEYS]);
}

describe('addValueZeroingInPlace (tiny-bert fp32)', async () => {
  const original = bytes(families.bert, 'onnx/model.onnx');
  const model = decodeModel(original);
  const attention = exposeAttentionInPlace(model, { stack: 'encoder' });
  exposeHiddenInPlace(model, { stack: 'encoder', attention });
  addValueZeroingInPlace(model, attention);
  const session = await ort.InferenceSession.create(encodeModel(model));
  const run = (m: ort.Tensor) => session.run({ ...paddedFeeds(session, { [VALUE_MASK_INPUT]: m }) });
  const second = (t: ort.Tensor) => Array.from((t.data as Float32Array).subarray(t.data.length / 2));

  it('a mask of ones gives the original outputs', async () => {
    const plain = await ort.InferenceSession.create(original);
    const base = await plain.run(paddedFeeds(plain));
    const out = await run(mask());
    expect(Array.from(out.logits.data as Float32Array)).toEqual(Array.from(base.logits.data as Float32Array));
  });

  it("zeroing a padded token's value changes nothing; zeroing a real token changes the layer output", async () => {
    const ones = await run(mask());
    const padded = await run(mask([[1, 0, 5]]));
    const real = await run(mask([[1, 0, 1]]));
    expect(second(padded['hidden_states.1'])).toEqual(second(ones['hidden_states.1']));
    expect(second(real['hidden_states.1'])).not.toEqual(second(ones['hidden_states.1']));
    // the first example's mask row was ones throughout: it is untouched by the second's zeroing
    const first = (t: ort.Tensor) => Array.from((t.data as Float32Array).subarray(0, t.data.length / 2));
    expect(first(real['hidden_states.1'])).toEqual(first(ones['hidden_states.1']));
  });
});

describe('value zeroing scores from the rewritten graph', async () => {
  const { valueZeroingBlock, plan } = await import('../explain/attention/value-zeroing.js');
  const model = decodeModel(bytes(families.bert, 'onnx/model.onnx'));
  const attention = exposeAttentionInPlace(model, { stack: 'encoder' });
  exposeHiddenInPlace(model, { stack: 'encoder', attention });
  addValueZeroingInPlace(model, attention);
  const session = await ort.InferenceSession.create(encodeModel(model));

  it('block 0 of the padded example: padded columns are exactly 0, real rows sum to 1, in 3 batches of 2', async () => {
    const batches = plan(1, KEYS, 2);
    expect(batches).toHaveLength(3);
    const D = 32;
    const per = KEYS * D;
    const base = await session.run(paddedFeeds(session, { [VALUE_MASK_INPUT]: mask() }));
    const ref = (base['hidden_states.1'].data as Float32Array).slice(per, 2 * per);
    const zeroed: Float32Array[] = [];
    for (const b of batches) {
      // both examples of the batch are the padded one (second row of the helper's feeds), each zeroing one pair
      const m = mask(b.map(([k, j], e) => [e, k, j] as [number, number, number]));
      const feeds = paddedFeeds(session, { [VALUE_MASK_INPUT]: m });
      for (const name of ['input_ids', 'attention_mask', 'token_type_ids']) {
        const t = feeds[name];
        const row = (t.data as BigInt64Array).slice(KEYS);
        feeds[name] = new ort.Tensor('int64', BigInt64Array.from([...row, ...row]), t.dims);
      }
      const out = (await session.run(feeds))['hidden_states.1'].data as Float32Array;
      for (let e = 0; e < b.length; e++) zeroed.push(out.slice(e * per, (e + 1) * per));
    }
    const c = valueZeroingBlock(ref, zeroed, KEYS);
    for (let i = 0; i < 4; i++) {
      expect(c.data[i * KEYS + 4]).toBe(0);
      expect(c.data[i * KEYS + 5]).toBe(0);
      expect(Array.from(c.data.subarray(i * KEYS, i * KEYS + 4)).reduce((a, x) => a + x, 0)).toBeCloseTo(
        1,
        5,
      );
    }
  });
});
