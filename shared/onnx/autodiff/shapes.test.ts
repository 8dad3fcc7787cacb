/** Static shape analysis: what it must keep symbolic so that gradients sum broadcasts with static axes. */
import { describe, expect, it } from 'vitest';
import { buildTinyMarian } from '../../../models/tiny/marian.js';
import { appendTarget } from '../../explain/targets.js';
import { makeModel, node, tensorF32, tensorI64, valueInfo } from '../builder.js';
import { chainGraphs } from '../chain.js';
import { withInputsEmbeds } from '../inputs-embeds.js';
import { DataType, decodeModel } from '../proto.js';
import { gradientModel } from './gradient-model.js';
import { ShapeInfo } from './shapes.js';

describe('ShapeInfo', () => {
  it('keeps the symbolic length of a float Range (sinusoidal positions 0 … seq − 1)', () => {
    const m = makeModel({
      name: 'positions',
      input: [valueInfo('x', DataType.FLOAT, ['batch', 'seq', 8])],
      output: [valueInfo('out', DataType.FLOAT, ['n'])],
      initializer: [tensorI64('one', [], [1]), tensorI64('zero', [], [0]), tensorF32('step', [], [1])],
      node: [
        node('Shape', ['x'], ['shape']),
        node('Gather', ['shape', 'one'], ['len'], { axis: 0 }),
        node('Cast', ['zero'], ['start'], { to: DataType.FLOAT }),
        node('Cast', ['len'], ['limit'], { to: DataType.FLOAT }),
        node('Range', ['start', 'limit', 'step'], ['pos']),
        node('Identity', ['pos'], ['out']),
      ],
    });
    expect(new ShapeInfo(m.graph!, 17).shapes.get('pos')).toEqual(['seq']);
  });

  it("lets tiny-marian's gradient sum every broadcast with static axes but one", () => {
    // A broadcast gradient whose shapes are unknown sums at run time (Shape, Size, Equal, NonZero, …:
    // ~11 nodes each); with the positions' length lost that was 78 of them, 4× forward at 16 tokens.
    const f = buildTinyMarian().files;
    const enc = decodeModel(f['onnx/encoder_model.onnx'] as Uint8Array);
    const dec = appendTarget(withInputsEmbeds(decodeModel(f['onnx/decoder_model.onnx'] as Uint8Array)), {
      score: 'log_probability',
    });
    const chained = chainGraphs(withInputsEmbeds(enc), dec, {
      links: { encoder_hidden_states: 'last_hidden_state' },
      prefix: 'decoder/',
      keep: ['target'],
    });
    const g = gradientModel(chained, { wrt: ['inputs_embeds'], target: 'target' });
    expect(g.graph!.node!.filter((n) => n.opType === 'NonZero').length).toBeLessThanOrEqual(1);
  });
});
