/**
 * Where the element's document comes from, picked from its attributes, property and children.
 * Precedence: the `explanation` property, then `data`, then `src` + `model` + `text`, then an inline
 * `<script type="application/json">` child.
 *
 * `explain="saliency"` asks for token saliency (`method`, default integrated gradients) instead of
 * attention; `explain="probe"` asks `POST /v1/probe` for the built-in part-of-speech probe of `model`
 * (no text; `layers="0 2 4"` limits the hidden-state layers, all by default; `task="pos_fine"` probes
 * the fine Brown tags instead of the 12 universal ones). `run="browser"` runs the model in the page:
 * the runner (the core plus onnxruntime-web, WebGPU or WASM) is a separate file beside the widget,
 * imported only by pages that use it.
 */
import { toWidgetError, WidgetError } from './lib/errors.js';
import type { LoadProgress } from './lib/progress.js';
import { checkRunnerUrl } from './lib/runner-origin.js';
import type { ExplanationDocument } from './lib/types.js';
import { checkDocument } from './lib/validate.js';

export type Source =
  | { kind: 'object'; doc: unknown; id: number }
  | { kind: 'url'; url: string }
  | {
      kind: 'api';
      src: string;
      model: string;
      text: string;
      targetText: string | null;
      /** further analyses to ask for (attribute `analyses="rollout flow"`) */
      analyses?: string[];
      /** reliability metrics to ask for (attribute `metrics="stability significance"`), shown in the trust panel */
      metrics?: string[];
      /** probe: hidden-state layers (attribute `layers="0 1"`); numbers, or the API refuses what is not one */
      layers?: (number | string)[];
      /** probe: the built-in task (attribute `task`, `pos` or `pos_fine`); the API refuses others */
      task?: string;
      explain: Explain;
      method: string;
    }
  | {
      kind: 'browser';
      modelUrl: string;
      runner: string;
      text: string;
      targetText: string | null;
      explain: Explain;
      method: string;
      backend: string;
      /** attention: rollout and flow, as from the API */
      analyses?: string[];
      /** probe: hidden-state layers */
      layers?: (number | string)[];
      /** probe: the built-in task */
      task?: string;
    }
  | { kind: 'inline'; json: string }
  | { kind: 'wait' }
  | { kind: 'none'; hint: string };

export type Explain = 'attention' | 'saliency' | 'probe';

/** The API's reliability metrics (shared/schema/metrics.ts), listed here so that zod stays out of the bundle. */
export const METRIC_NAMES = ['stability', 'significance', 'sanity', 'agreement'];

/** What a saliency request asks for when the page names no method. */
export const DEFAULT_METHOD = 'integrated_gradients';

/** The runner's default address: beside the widget's own file. */
const RUNNER_URL = new URL('./runner/attn-heatmap-runner.js', import.meta.url).href;

export interface SourceInput {
  object?: { doc: unknown; id: number };
  data: string | null;
  src: string | null;
  model: string | null;
  text: string | null;
  targetText: string | null;
  /** space-separated analyses for the API (rollout, flow) */
  analyses?: string | null;
  /** space-separated reliability metrics for the API (stability, significance, sanity, agreement) */
  metrics?: string | null;
  /** space-separated hidden-state layers for `explain="probe"` */
  layers?: string | null;
  /** the built-in probe task for `explain="probe"`: `pos` (default) or `pos_fine` */
  task?: string | null;
  /** `attention` (default), `saliency` or `probe` */
  explain?: string | null;
  /** the saliency method to ask for */
  method?: string | null;
  /** `browser`: run the model in the page */
  run?: string | null;
  /** in-browser runs: the model folder's URL (default: `${src}/models/${model}/`) */
  modelUrl?: string | null;
  /** in-browser runs: `auto` (default), `webgpu` or `wasm` */
  backend?: string | null;
  /** in-browser runs: the runner's URL (default: beside the widget); only from an allowed origin (lib/runner-origin.ts) */
  runner?: string | null;
  /** text of the inline JSON child; undefined while the page is still parsing */
  inline: string | null | undefined;
}

export function pickSource(i: SourceInput): Source {
  if (i.object) return { kind: 'object', ...i.object };
  if (i.data) return { kind: 'url', url: i.data };
  const explain: Explain =
    i.explain === 'saliency' || i.explain === 'probe' ? (i.explain as Explain) : 'attention';
  const method = explain === 'saliency' ? (i.method ?? DEFAULT_METHOD) : '';
  const layers = (i.layers ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((l) => (/^\d+$/.test(l) ? Number(l) : l));
  if (explain === 'probe' && i.src && i.run !== 'browser') {
    if (!i.model) return { kind: 'none', hint: 'Set the model attribute to probe it.' };
    const base = { kind: 'api', src: i.src, model: i.model, text: '', targetText: null } as const;
    return {
      ...base,
      ...(layers.length ? { layers } : {}),
      ...(i.task ? { task: i.task } : {}),
      explain,
      method,
    };
  }
  const analyses = (i.analyses ?? '').split(/[\s,]+/).filter((a) => a === 'rollout' || a === 'flow');
  if (i.run === 'browser') {
    const folder = i.modelUrl ?? (i.model ? `${(i.src ?? '').replace(/\/+$/, '')}/models/${i.model}/` : null);
    if (!folder || (!i.text && explain !== 'probe'))
      return { kind: 'none', hint: 'Set model (or model-url) and text to run the model in this page.' };
    return {
      kind: 'browser',
      modelUrl: folder,
      runner: i.runner ?? RUNNER_URL,
      text: i.text ?? '',
      targetText: i.targetText,
      explain,
      method,
      backend: i.backend ?? 'auto',
      ...(explain === 'attention' && analyses.length ? { analyses } : {}),
      ...(explain === 'probe' && layers.length ? { layers } : {}),
      ...(explain === 'probe' && i.task ? { task: i.task } : {}),
    };
  }
  const metrics = (i.metrics ?? '').split(/[\s,]+/).filter((m) => METRIC_NAMES.includes(m));
  if (i.src) {
    if (!i.model || !i.text)
      return { kind: 'none', hint: 'Set the model and text attributes to ask the API.' };
    return {
      kind: 'api',
      src: i.src,
      model: i.model,
      text: i.text,
      targetText: i.targetText,
      ...(analyses.length ? { analyses } : {}),
      ...(metrics.length ? { metrics: [...new Set(metrics)] } : {}),
      explain,
      method,
    };
  }
  if (i.inline === undefined) return { kind: 'wait' };
  if (i.inline !== null && i.inline.trim() !== '') return { kind: 'inline', json: i.inline };
  return {
    kind: 'none',
    hint: 'No attention to show: set data, or src with model and text, or add a JSON script child.',
  };
}

/** Equal keys mean the same document; a change of key starts a new load. */
export function sourceKey(s: Source): string {
  return s.kind === 'object' ? `object:${s.id}` : JSON.stringify(s);
}

/** A loaded document, and a note for the reader when it holds less than the page asked for. */
export interface Loaded {
  doc: ExplanationDocument;
  notice?: string;
}

/**
 * Loads the document; when the text is over the limit of one option only (flow's token limit), asks
 * again without that option, so the reader sees what can be shown and is told what was left out.
 */
export async function loadSource(
  s: Source,
  signal: AbortSignal,
  onProgress: (p: LoadProgress) => void = () => {},
): Promise<Loaded> {
  try {
    return { doc: await loadOnce(s, signal, onProgress) };
  } catch (e) {
    const retry = signal.aborted ? null : withoutRefused(s, e);
    if (!retry) throw e;
    return { doc: await loadOnce(retry.source, signal, onProgress), notice: retry.notice };
  }
}

/** The same request without the option an error refused (today flow, by `flow_too_large`), and why. */
function withoutRefused(s: Source, e: unknown): { source: Source; notice: string } | null {
  if (!(e instanceof WidgetError) || e.code !== 'flow_too_large') return null;
  if ((s.kind !== 'api' && s.kind !== 'browser') || !s.analyses?.includes('flow')) return null;
  const analyses = s.analyses.filter((a) => a !== 'flow');
  // "analyses: flow is limited to 32 tokens (this text has 36)" → "Flow is limited to …"
  const why = e.message.replace(/^[\w.]+: /, '');
  return {
    source: { ...s, analyses: analyses.length ? analyses : undefined },
    notice: `${why[0].toUpperCase()}${why.slice(1)}; showing ${['attention', ...analyses].join(' and ')} without it.`,
  };
}

async function loadOnce(
  s: Source,
  signal: AbortSignal,
  onProgress: (p: LoadProgress) => void,
): Promise<ExplanationDocument> {
  switch (s.kind) {
    case 'object':
      return checkDocument(s.doc);
    case 'inline':
      return checkDocument(parse(s.json));
    case 'url':
      return checkDocument(await fetchJson(s.url, { signal }));
    case 'api': {
      const body: Record<string, unknown> =
        s.explain === 'probe'
          ? { model: s.model, ...(s.layers ? { layers: s.layers } : {}), ...(s.task ? { task: s.task } : {}) }
          : s.explain === 'saliency'
            ? { model: s.model, text: s.text, method: s.method }
            : { model: s.model, text: s.text, encoding: 'u8' };
      if (s.targetText) body.target_text = s.targetText;
      if (s.analyses && s.explain === 'attention') body.analyses = s.analyses;
      if (s.metrics && s.explain !== 'probe') body.metrics = s.metrics;
      const url = `${s.src.replace(/\/+$/, '')}/v1/${s.explain}`;
      const init = {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      };
      onProgress({ stage: 'api' });
      return checkDocument(await fetchJson(url, { ...init, signal }));
    }
    case 'browser':
      return checkDocument(await runInPage(s, signal, onProgress));
    default:
      throw new WidgetError('Nothing to load.', 'no_source');
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw toWidgetError(e, 'bad_json');
  }
}

/** fetch + JSON; an HTTP error's `{ error: { code, message } }` body becomes the WidgetError shown. */
async function fetchJson(url: string, init: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (init.signal?.aborted) throw e;
    throw new WidgetError(`Could not reach ${url}.`, 'network');
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    if (res.ok) throw new WidgetError(`${url} did not return JSON.`, 'bad_json', res.status);
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    throw new WidgetError(
      typeof err?.message === 'string'
        ? err.message
        : `${url} answered ${res.status} ${res.statusText}`.trim(),
      typeof err?.code === 'string' ? err.code : `http_${res.status}`,
      res.status,
    );
  }
  return body;
}

interface Runner {
  explainInBrowser(
    req: Record<string, unknown>,
    opts: { signal: AbortSignal; onProgress(p: LoadProgress): void },
  ): Promise<unknown>;
}

async function runInPage(
  s: Extract<Source, { kind: 'browser' }>,
  signal: AbortSignal,
  onProgress: (p: LoadProgress) => void,
): Promise<unknown> {
  let runner: Runner;
  const url = checkRunnerUrl(s.runner, import.meta.url);
  try {
    runner = await import(/* @vite-ignore */ url);
  } catch {
    throw new WidgetError(`Could not load the in-browser runner from ${s.runner}.`, 'runner_unavailable');
  }
  try {
    return await runner.explainInBrowser(
      {
        modelUrl: s.modelUrl,
        text: s.text,
        ...(s.targetText ? { target_text: s.targetText } : {}),
        ...(s.analyses ? { analyses: s.analyses } : {}),
        explain: s.explain,
        method: s.method,
        backend: s.backend,
        ...(s.layers ? { layers: s.layers } : {}),
        ...(s.task ? { task: s.task } : {}),
      },
      { signal, onProgress },
    );
  } catch (e) {
    if (signal.aborted) throw e;
    // Flow's refusal keeps its code, so loadSource can ask again without flow.
    const code = (e as { code?: unknown } | null)?.code;
    throw toWidgetError(e, code === 'flow_too_large' ? code : 'runner_failed');
  }
}
