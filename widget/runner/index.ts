/**
 * The in-browser runner: the same core the API runs, on the reader's machine, for models too large
 * for the edge. Loaded lazily by the widget (never part of its base bundle):
 *
 *   const { explainInBrowser } = await import('https://example.org/widget/runner/attn-heatmap-runner.js');
 *   const doc = await explainInBrowser({ modelUrl: 'https://example.org/models/tiny-bert/', text: 'Hello' },
 *     { signal: ctl.signal, onProgress: (p) => console.log(p.stage, p.bytes) });
 */
import { type ExplainRequest, explain } from '../../shared/explain/index.js';
import { type OpenModel, openModel } from '../../shared/explain/open-model.js';
import { checkFlow } from '../../shared/explain/preconditions.js';
import type { BrownPosData } from '../../shared/explain/probe/index.js';
import { graphFiles } from '../../shared/runtime/graph-files.js';
import { type LoadedModel, type Precision, readModelMeta } from '../../shared/runtime/model.js';
import { modelShape } from '../../shared/runtime/model-config.js';
import { createSessionFactory } from '../../shared/runtime/session.js';
import type { ExplanationDocument } from '../../shared/schema/document.js';
import type { AttentionRequest, SaliencyRequest } from '../../shared/schema/requests.js';
import { type Backend, loadBackend } from './backend.js';
import { fetchCounted, fetchSizes, Tally } from './download.js';
import { inOrder, type OnProgress } from './progress.js';

export type { OnProgress, Progress, Stage } from './progress.js';

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

/** Options of one call: a signal that cancels it, and a callback for its progress (see progress.ts). */
export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: OnProgress;
}

/**
 * One model's load, shared by every caller asking for the same folder, backend and precision. Its
 * downloads stop when the last caller still waiting for it cancels.
 */
interface Load {
  ctl: AbortController;
  waiting: number;
  /** each waiting caller's byte counter; the files announced and the bytes so far, for late joiners */
  listeners: Set<Tally>;
  expected: Set<string>;
  planned: boolean;
  state: Map<string, [number, number | undefined]>;
  /** settles when every file is here */
  files: Promise<unknown>;
  opened: Promise<Opened>;
  settled: boolean;
}

const loads = new Map<string, Load>();

function startLoad(req: BrowserRequest, key: string, base: string): Load {
  const ctl = new AbortController();
  const load: Load = {
    ctl,
    waiting: 0,
    listeners: new Set(),
    expected: new Set(),
    planned: false,
    state: new Map(),
    files: Promise.resolve(),
    opened: Promise.resolve() as unknown as Promise<Opened>,
    settled: false,
  };
  const bytes = new Map<string, Uint8Array>();
  let sizes: Record<string, number> = {};
  const get = (file: string, url: string) =>
    fetchCounted(
      url,
      ctl.signal,
      (loaded, total) => {
        load.state.set(file, [loaded, total]);
        for (const t of load.listeners) t.bytes(file, loaded, total);
      },
      sizes[file],
    ).then((b) => {
      bytes.set(file, b);
      return b;
    });
  const expect = (files: string[]) => {
    for (const f of files) load.expected.add(f);
    for (const t of load.listeners) t.expect(files);
  };
  const fromFolder = (path: string) => get(path, new URL(path, base).href);
  load.files = (async () => {
    const be = await loadBackend(req.backend);
    // The folders' sizes.json, so that progress is a share of the whole from the first byte.
    const [model, runtime] = await Promise.all([
      fetchSizes(new URL('sizes.json', base).href, ctl.signal),
      be.wasm
        ? fetchSizes(new URL('sizes.json', be.wasm.url).href, ctl.signal)
        : ({} as Record<string, number>),
    ]);
    sizes = {
      ...model,
      ...(be.wasm && be.wasm.file in runtime ? { [be.wasm.file]: runtime[be.wasm.file] } : {}),
    };
    expect(['config.json', 'tokenizer_config.json']);
    // tokenizer_config.json is optional (readModelMeta reads {} for a missing one)
    const [config] = await Promise.all([
      fromFolder('config.json'),
      fromFolder('tokenizer_config.json').catch((e) => {
        if (ctl.signal.aborted) throw e;
        bytes.set('tokenizer_config.json', new TextEncoder().encode('{}'));
      }),
    ]);
    const precision = req.precision ?? (be.backend === 'webgpu' ? 'fp32' : 'int8');
    const family = modelShape(JSON.parse(new TextDecoder().decode(config))).family;
    const rest = ['tokenizer.json', ...graphFiles(family, precision)];
    expect([...rest, ...(be.wasm ? [be.wasm.file] : [])]);
    load.planned = true;
    for (const t of load.listeners) t.plan();
    await Promise.all([
      ...rest.map(fromFolder),
      be.wasm && get(be.wasm.file, be.wasm.url).then((b) => be.wasm!.set(b)),
    ]);
    return { ...be, precision };
  })();
  load.opened = load.files.then(async (be) => {
    const { backend, ort, options, precision } = be as Awaited<ReturnType<typeof loadBackend>> & {
      precision: Precision;
    };
    // Every file is in memory: the graphs are rewritten and the sessions opened from these bytes.
    const read = async (path: string) => {
      const b = bytes.get(path);
      if (b) return b;
      return fetchCounted(new URL(path, base).href, ctl.signal, () => {});
    };
    const id = new URL(base).pathname.split('/').filter(Boolean).pop() ?? base;
    const meta = await readModelMeta(id, read);
    const opened = openModel(meta, read, createSessionFactory(ort, options), { precision });
    await opened.model;
    // the gradient graphs are the last to read the downloaded bytes
    const saliency = () => opened.saliency().finally(() => bytes.clear());
    return { ...opened, saliency, backend };
  });
  load.opened.then(
    () => {
      load.settled = true;
    },
    () => loads.get(key) === load && loads.delete(key),
  );
  return load;
}

/** Joins (or starts) the model's load; resolves when it is open, or rejects when this caller cancels. */
async function open(req: BrowserRequest, signal: AbortSignal, tally: Tally, report: OnProgress) {
  const folder = req.modelUrl.endsWith('/') ? req.modelUrl : `${req.modelUrl}/`;
  const base = new URL(folder, globalThis.location?.href).href;
  const key = `${base}|${req.backend ?? 'auto'}|${req.precision ?? ''}`;
  let load = loads.get(key);
  if (!load) {
    load = startLoad(req, key, base);
    loads.set(key, load);
  }
  if (load.settled) return load.opened;
  const l = load;
  l.waiting++;
  l.listeners.add(tally);
  tally.expect(l.expected);
  if (l.planned) tally.plan();
  for (const [file, [loaded, total]] of l.state) tally.bytes(file, loaded, total);
  const cancelled = new Promise<never>((_, reject) => {
    const stop = () => reject(signal.reason ?? new DOMException('Cancelled', 'AbortError'));
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  try {
    await Promise.race([l.files, cancelled]);
    report({ stage: 'compile' });
    return await Promise.race([l.opened, cancelled]);
  } finally {
    l.listeners.delete(tally);
    if (--l.waiting === 0 && signal.aborted && !l.settled) {
      l.ctl.abort(signal.reason);
      if (loads.get(key) === l) loads.delete(key);
    }
  }
}

const probeData = new Map<string, Promise<BrownPosData>>();

export async function explainInBrowser(
  req: BrowserRequest,
  opts: RunOptions = {},
): Promise<ExplanationDocument & { metrics: { backend: Backend } }> {
  const signal = opts.signal ?? new AbortController().signal;
  const report = inOrder(opts.onProgress);
  const tally = new Tally(report);
  const url =
    req.explain === 'probe'
      ? (req.probeDataUrl ?? new URL('../../probe-data/brown-pos.json', import.meta.url).href)
      : undefined;
  // The probe's data is fetched beside the model's files, within the same download stage.
  let data: Promise<BrownPosData> | undefined;
  if (url) {
    data = probeData.get(url);
    if (!data) {
      tally.expect(['brown-pos.json']);
      data = fetchCounted(url, signal, (l, t) => tally.bytes('brown-pos.json', l, t)).then(
        (b) => JSON.parse(new TextDecoder().decode(b)) as BrownPosData,
      );
      probeData.set(url, data);
      data.catch(() => probeData.delete(url));
    }
  }
  const [opened] = await Promise.all([open(req, signal, tally, report), data]);
  const model = await opened.model;
  signal.throwIfAborted();
  if (req.explain === 'saliency') {
    report({ stage: 'compile' });
    await opened.saliency();
    signal.throwIfAborted();
  }
  report({ stage: 'run' });
  const doc = await explain(model, requestOf(req, model), {
    saliency: opened.saliency,
    probeData: () => data!,
  });
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
