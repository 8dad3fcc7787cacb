/**
 * Probing as an explanation document: the built-in part-of-speech task or caller examples, the same
 * for the worker and the in-browser runner.
 */
import type { LoadedModel } from '../../runtime/model.js';
import type { ExplanationDocument } from '../../schema/document.js';
import { SCHEMA_ID } from '../../schema/id.js';
import { LIMITS } from '../../schema/limits.js';
import type { ProbeRequest } from '../../schema/requests.js';
import { describeModel } from '../describe.js';
import { type BrownPosData, brownPosTask, type ProbeTask, runProbe, runProbeOnExamples } from './index.js';

/**
 * Sentences per split of the built-in task: the features of every layer must fit an isolate beside
 * the model, and the run its CPU limit. The fine tagset's 119 classes make each optimiser step about
 * ten times dearer: at 300 / 100 / 200 sentences it took 48–53 s of CPU (brown-sentiment, brown-gpt,
 * all layers), past `cpu_ms`, so it trains on fewer sentences (scored on the same test sample).
 */
export const BUILT_IN_TASK_LIMITS = {
  pos: { train: 300, dev: 100, test: 200 },
  pos_fine: { train: 80, dev: 30, test: 200 },
};

export type ProbeOptions = Omit<ProbeRequest, 'model'>;

/** The built-in task a request asks for, with the worker's sample. */
export function builtInTask(data: BrownPosData, task: ProbeRequest['task']): ProbeTask {
  return brownPosTask(data, {
    tagset: task === 'pos_fine' ? 'fine' : 'universal',
    limits: BUILT_IN_TASK_LIMITS[task ?? 'pos'],
  });
}

export async function explainProbe(
  model: LoadedModel,
  opts: ProbeOptions,
  /** the built-in task's data, read only when the request uses it */
  taskData: () => Promise<BrownPosData>,
): Promise<ExplanationDocument> {
  const common = {
    probe: opts.probe,
    features: opts.features,
    seed: opts.seed ?? 0,
    now: () => performance.now(),
  };
  const result = opts.examples
    ? await runProbeOnExamples(
        model,
        { examples: opts.examples, layer: opts.layer },
        {
          ...common,
          limits: {
            maxExamples: LIMITS.max_probe_examples,
            maxTokensPerExample: Math.min(LIMITS.max_tokens, model.maxTokens),
          },
        },
      )
    : await runProbe(model, builtInTask(await taskData(), opts.task), { ...common, layers: opts.layers });
  return {
    schema: SCHEMA_ID,
    model: describeModel(model),
    input: { text: '', tokens: [] },
    probe: result as unknown as Record<string, unknown>,
  };
}
