/**
 * What the graph-rewrite tests share: the three generated model families in memory, and feeds for a
 * batch of two sequences, the second padded on the right over its last two positions.
 */
import * as ort from 'onnxruntime-node';
import { buildTinyBert } from '../../models/tiny/bert.js';
import { buildTinyGpt2 } from '../../models/tiny/gpt2.js';
import { buildTinyMarian } from '../../models/tiny/marian.js';

export const families = {
  bert: buildTinyBert().files,
  gpt2: buildTinyGpt2().files,
  marian: buildTinyMarian().files,
};

export const bytes = (files: Record<string, Uint8Array | string>, path: string) => files[path] as Uint8Array;

export const IDS = [
  [5, 9, 13, 17, 21, 25],
  [5, 9, 13, 17, 0, 0],
];
export const MASK = [
  [1, 1, 1, 1, 1, 1],
  [1, 1, 1, 1, 0, 0],
];

const i64 = (rows: number[][]) =>
  new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);

/** Feeds every input the session declares (tiny models: 4 heads of 8); anything unknown is an error. */
export function paddedFeeds(session: ort.InferenceSession, extra: Record<string, ort.Tensor> = {}) {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    if (name in extra) feeds[name] = extra[name];
    else if (name === 'input_ids') feeds[name] = i64(IDS);
    else if (name === 'attention_mask' || name === 'encoder_attention_mask') feeds[name] = i64(MASK);
    else if (name === 'token_type_ids') feeds[name] = i64(IDS.map((r) => r.map(() => 0)));
    else if (name === 'position_ids') feeds[name] = i64(IDS.map((r) => r.map((_, i) => i)));
    else if (name.startsWith('past_key_values'))
      feeds[name] = new ort.Tensor('float32', new Float32Array(0), [IDS.length, 4, 0, 8]);
    else throw new Error(`test does not feed ${name}`);
  }
  return feeds;
}

/** The tiny Marian encoder's output for the padded batch, for its decoder's cross-attention. */
export async function encoderStates(q: string) {
  const enc = await ort.InferenceSession.create(bytes(families.marian, `onnx/encoder_model${q}.onnx`));
  return { encoder_hidden_states: (await enc.run(paddedFeeds(enc))).last_hidden_state };
}
