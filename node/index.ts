/**
 * The core for Node, as the package exports it (`attn-heatmap/node`): load a model folder with
 * onnxruntime-node (./host.ts) and explain a text with explain(), the entry the worker's routes and
 * the CLI call. Requests are validated (and their defaults filled) with the API's schemas:
 *
 *   const model = await loadFolder('path/to/tiny-bert');
 *   const req = AttentionRequest.parse({ model: model.id, text: 'The cat sat.' });
 *   const doc = await explain(model, { kind: 'attention', ...req });
 */
import { basename, resolve } from 'node:path';
import type { LoadedModel, Precision } from '../shared/runtime/model.js';
import { diskReader, loadLocal } from './host.js';

export {
  type ExplainHost,
  type ExplainKind,
  type ExplainRequest,
  explain,
  type OpenModel,
  openModel,
} from '../shared/explain/index.js';
export {
  attentionPreconditions,
  probePreconditions,
  saliencyPreconditions,
} from '../shared/explain/preconditions.js';
export {
  type LoadedModel,
  loadModel,
  loadTokenizer,
  type ModelMeta,
  type Precision,
  readModelMeta,
} from '../shared/runtime/model.js';
export { createSessionFactory } from '../shared/runtime/session.js';
export { ExplanationDocument, SCHEMA_ID } from '../shared/schema/document.js';
export { ERROR_CODES, type ErrorCode } from '../shared/schema/error-codes.js';
export { LIMITS } from '../shared/schema/limits.js';
export { AttentionRequest, ProbeRequest, SaliencyRequest } from '../shared/schema/requests.js';
export { diskReader, loadLocal, memoryReader, nodeOrt, nodeSessionFactory } from './host.js';

/** A model folder (config.json, tokenizer, ONNX files) on disk; its id is the folder's name. */
export function loadFolder(dir: string, precision: Precision = 'fp32'): Promise<LoadedModel> {
  return loadLocal(basename(resolve(dir)), diskReader(dir), precision);
}
