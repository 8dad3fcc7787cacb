/**
 * Where the element's document comes from, picked from its attributes, property and children.
 * Precedence: the `explanation` property, then `data`, then `src` + `model` + `text`, then an inline
 * `<script type="application/json">` child.
 *
 * Seam for in-browser execution: a `{ kind: 'local' }` source (e.g. `src="browser"`) will go here
 * and its loader will `await import('./runner/index.js')`, so the ORT runner is a separate chunk
 * fetched only by pages that use it. Nothing in this file may import it statically.
 */
import { toWidgetError, WidgetError } from './lib/errors.js';
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
    }
  | { kind: 'inline'; json: string }
  | { kind: 'wait' }
  | { kind: 'none'; hint: string };

export interface SourceInput {
  object?: { doc: unknown; id: number };
  data: string | null;
  src: string | null;
  model: string | null;
  text: string | null;
  targetText: string | null;
  /** space-separated analyses for the API (rollout, flow) */
  analyses?: string | null;
  /** text of the inline JSON child; undefined while the page is still parsing */
  inline: string | null | undefined;
}

export function pickSource(i: SourceInput): Source {
  if (i.object) return { kind: 'object', ...i.object };
  if (i.data) return { kind: 'url', url: i.data };
  if (i.src) {
    if (!i.model || !i.text)
      return { kind: 'none', hint: 'Set the model and text attributes to ask the API.' };
    const analyses = (i.analyses ?? '').split(/[\s,]+/).filter((a) => a === 'rollout' || a === 'flow');
    return {
      kind: 'api',
      src: i.src,
      model: i.model,
      text: i.text,
      targetText: i.targetText,
      ...(analyses.length ? { analyses } : {}),
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

export async function loadSource(s: Source, signal: AbortSignal): Promise<ExplanationDocument> {
  switch (s.kind) {
    case 'object':
      return checkDocument(s.doc);
    case 'inline':
      return checkDocument(parse(s.json));
    case 'url':
      return checkDocument(await fetchJson(s.url, { signal }));
    case 'api': {
      const body: Record<string, unknown> = { model: s.model, text: s.text, encoding: 'u8' };
      if (s.targetText) body.target_text = s.targetText;
      if (s.analyses) body.analyses = s.analyses;
      const url = `${s.src.replace(/\/+$/, '')}/v1/attention`;
      const init = {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      };
      return checkDocument(await fetchJson(url, { ...init, signal }));
    }
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
