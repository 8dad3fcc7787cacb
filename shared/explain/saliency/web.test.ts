/**
 * The same gradient models under onnxruntime-web's wasm backend (what the worker and the browser run),
 * with the lean session options: every op the backward graphs use has a wasm kernel, and the scores
 * agree with onnxruntime-node's.
 */
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../../models/tiny/bert.js';
import type { ModelFiles } from '../../../models/tiny/files.js';
import { buildTinyGpt2 } from '../../../models/tiny/gpt2.js';
import { buildTinyMarian } from '../../../models/tiny/marian.js';
import { nodeOrt } from '../../../node/host.js';
import { readModelMeta } from '../../runtime/model.js';
import { createSessionFactory, type OrtModule } from '../../runtime/session.js';
import type { TargetSpec } from '../targets.js';
import { type AttributionInput, createSaliencyContext, saliencyMethods } from './index.js';

ortWeb.env.wasm.numThreads = 1;
const web = createSessionFactory(ortWeb as unknown as OrtModule);
const native = createSessionFactory(nodeOrt);

async function scores(
  m: ModelFiles,
  factory: typeof web,
  precision: 'fp32' | 'int8',
  input: AttributionInput,
  target: TargetSpec,
) {
  const read = async (path: string) => {
    const f = m.files[path];
    return typeof f === 'string' ? new TextEncoder().encode(f) : f;
  };
  const ctx = await createSaliencyContext(
    { ...(await readModelMeta('tiny', read)), precision },
    read,
    factory,
  );
  return saliencyMethods.integrated_gradients.attribute(ctx, input, target, { steps: 16 });
}

const CASES: [string, ModelFiles, AttributionInput, TargetSpec][] = [
  ['tiny-bert', buildTinyBert(), { ids: [2, 17, 33, 9, 3] }, { score: 'probability', tokens: [2] }],
  [
    'tiny-gpt2',
    buildTinyGpt2(),
    { ids: [5, 17, 33, 9] },
    { score: 'log_probability', tokens: [12], positions: [3] },
  ],
  [
    'tiny-marian',
    buildTinyMarian(),
    { ids: [15, 27, 33, 2], decoderIds: [1, 20] },
    { score: 'log_probability', tokens: [20], positions: [0] },
  ],
];

describe('gradient models on onnxruntime-web (wasm)', () => {
  for (const [name, files, input, target] of CASES) {
    for (const precision of ['fp32', 'int8'] as const) {
      it(`${name} ${precision}: integrated gradients as on onnxruntime-node`, async () => {
        const w = await scores(files, web, precision, input, target);
        const n = await scores(files, native, precision, input, target);
        const scale = Math.max(...n.scores.map(Math.abs));
        for (const [i, s] of w.scores.entries()) expect(Math.abs(s - n.scores[i])).toBeLessThan(1e-3 * scale);
        expect(w.checks!.completeness_error).toBeLessThan(0.01);
      });
    }
  }
});
