/** brown-sentiment from models/, as the benches read it: its saliency context and a random input. */
import { readFile } from 'node:fs/promises';
import type { AttributionInput } from '../../shared/explain/saliency/index.js';
import { createSaliencyContext, type SaliencyContextOptions } from '../../shared/explain/saliency/index.js';
import type { TargetSpec } from '../../shared/explain/targets.js';
import { type Precision, readModelMeta } from '../../shared/runtime/model.js';
import type { SessionFactory } from '../../shared/runtime/session.js';
import type { Rng } from '../../shared/util/random.js';

export const BROWN_SENTIMENT = 'brown-sentiment';

export async function brownContext(
  factory: SessionFactory,
  precision: Precision,
  options: SaliencyContextOptions = {},
  id = BROWN_SENTIMENT,
) {
  const read = async (path: string) => new Uint8Array(await readFile(`models/${id}/${path}`));
  const meta = await readModelMeta(id, read);
  const ctx = await createSaliencyContext({ ...meta, precision }, read, factory, options);
  return { ctx, meta };
}

/** n random ids (past the special tokens), the target class 2's logit, as a classifier's IG explains it */
export function brownExample(
  n: number,
  rng: Rng,
  vocab: number,
): { input: AttributionInput; target: TargetSpec } {
  const ids = Array.from({ length: n }, () => 5 + Math.floor(rng.next() * (vocab - 5)));
  return { input: { ids }, target: { score: 'logit', tokens: [2] } };
}
