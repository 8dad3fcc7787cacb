/**
 * The in-browser runner: the same core the API runs, on the reader's machine, for models too large
 * for the edge. Loaded lazily by the widget (never part of its base bundle):
 *
 *   const { explainInBrowser } = await import('https://example.org/widget/runner/attn-heatmap-runner.js');
 *   const doc = await explainInBrowser({ modelUrl: 'https://example.org/models/tiny-bert/', text: 'Hello' });
 */
import { type ExplainRequest, explain } from '../../shared/explain/index.js';
import { type OpenModel, openModel } from '../../shared/explain/open-model.js';
import { checkFlow } from '../../shared/explain/preconditions.js';
import type { BrownPosData } from '../../shared/explain/probe/index.js';
import { type LoadedModel, type Precision, readModelMeta } from '../../shared/runtime/model.js';
import { createSessionFactory } from '../../shared/runtime/session.js';
import type { ExplanationDocument } from '../../shared/schema/document.js';
import type { AttentionRequest, SaliencyRequest } from '../../shared/schema/requests.js';
import { type Backend, loadBackend } from './backend.js';

export interface BrowserRequest {
  /** URL of a model folder in the Hugging Face layout (config.json, tokenizer.json, onnx/…) */
  modelUrl: string;
  text: string;
  target_text?: string;
  encoding?: 'f32' | 'u8';
  /** attention: further entries per self-attention stack (rollout, flow), as from the API */
  analyses?: AttentionRequest['analyses'];
  /** `auto` (default): WebGPU where available, else WASM */
  backend?: Backend | 'auto';
  /** default: int8 on WASM, fp32 on WebGPU (ORT's WebGPU backend has no integer MatMul) */
  precision?: Precision;
  /** `attention` (default), `saliency` or `probe` (the built-in part-of-speech probe) */
  explain?: 'attention' | 'saliency' | 'probe';
  /** probe: hidden-state layers (default all) */
  layers?: number[];
  /** probe: the built-in task, `pos` (12 universal tags, default) or `pos_fine` (the Brown tags) */
  task?: 'pos' | 'pos_fine';
  /** probe: the task data (default: the site's /probe-data/brown-pos.json, beside the widget's folder) */
  probeDataUrl?: string;
  /** saliency: the method (default integrated_gradients) */
  method?: SaliencyRequest['method'];
}

interface Opened extends OpenModel {
  backend: Backend;
}

const models = new Map<string, Promise<Opened>>();

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not fetch ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function open(req: BrowserRequest): Promise<Opened> {
  const folder = req.modelUrl.endsWith('/') ? req.modelUrl : `${req.modelUrl}/`;
  const base = new URL(folder, globalThis.location?.href).href;
  const key = `${base}|${req.backend ?? 'auto'}|${req.precision ?? ''}`;
  let p = models.get(key);
  if (!p) {
    p = (async () => {
      const { backend, ort, options } = await loadBackend(req.backend);
      const read = (path: string) => fetchBytes(new URL(path, base).href);
      const id = new URL(base).pathname.split('/').filter(Boolean).pop() ?? base;
      const meta = await readModelMeta(id, read);
      const precision = req.precision ?? (backend === 'webgpu' ? 'fp32' : 'int8');
      const opened = openModel(meta, read, createSessionFactory(ort, options), { precision });
      await opened.model;
      return { ...opened, backend };
    })();
    models.set(key, p);
    p.catch(() => models.delete(key));
  }
  return p;
}

export async function explainInBrowser(
  req: BrowserRequest,
): Promise<ExplanationDocument & { metrics: { backend: Backend } }> {
  const opened = await open(req);
  const model = await opened.model;
  const probeData = async () => {
    const url = req.probeDataUrl ?? new URL('../../probe-data/brown-pos.json', import.meta.url).href;
    return JSON.parse(new TextDecoder().decode(await fetchBytes(url))) as BrownPosData;
  };
  const doc = await explain(model, requestOf(req, model), { saliency: opened.saliency, probeData });
  return { ...doc, metrics: { ...doc.metrics, backend: opened.backend } };
}

/** The API request this page request stands for; flow's limit is checked before the model runs, as there. */
function requestOf(req: BrowserRequest, model: LoadedModel): ExplainRequest {
  const common = { model: model.id, text: req.text, target_text: req.target_text };
  if (req.explain === 'probe') return { kind: 'probe', model: model.id, layers: req.layers, task: req.task };
  if (req.explain === 'saliency')
    return { kind: 'saliency', ...common, method: req.method ?? 'integrated_gradients' };
  checkFlow(req.analyses, model.tokenizer.encode(req.text).ids.length);
  return {
    kind: 'attention',
    ...common,
    encoding: req.encoding ?? 'u8',
    aggregate: 'none',
    analyses: req.analyses,
  };
}
