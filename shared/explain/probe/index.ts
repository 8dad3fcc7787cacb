/** Probing (issue 6): which layer encodes what, with control tasks. The API hosts call. */
export { majorityBaseline, majorityTagger } from './baseline.js';
export { accuracyWithCi } from './bootstrap.js';
export { controlTask } from './control.js';
export { type ProbeErrorCode, ProbeInputError } from './errors.js';
export {
  DEFAULT_EXAMPLE_LIMITS,
  type ExampleLimits,
  type ExamplesRequest,
  examplesTask,
  type ProbeExample,
  runProbeOnExamples,
} from './examples.js';
export type { Pooling } from './features.js';
export { type HiddenStateModel, hiddenStateModel } from './hidden.js';
export { type BrownPosData, brownPosTask, type PosTagset } from './pos-task.js';
export {
  type ProbeKind,
  type ProbeLayerResult,
  type ProbeOptions,
  type ProbeResult,
  runProbe,
} from './run.js';
export type { ProbeSentence, ProbeTask } from './task.js';
export { brownToUniversal, UNIVERSAL_TAGS } from './universal-tags.js';
