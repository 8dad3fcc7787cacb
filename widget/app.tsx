/** Top level inside the shadow root: load state → message, or controls + the view for the document. */
import { useEffect, useMemo } from 'preact/hooks';
import { Controls } from './controls.js';
import { lazyView } from './lazy.js';
import { legendLabel } from './legend.js';
import { defaultAlignmentLayer } from './lib/alignment.js';
import { scaleMax } from './lib/color.js';
import { entryValues, headMatrix } from './lib/decode.js';
import { toWidgetError, type WidgetError } from './lib/errors.js';
import {
  GROUP_LABEL,
  groupNamed,
  headText,
  layersIn,
  resolveView,
  type View,
  type ViewRequest,
  viewsIn,
} from './lib/groups.js';
import { methodIds } from './lib/methods.js';
import { formatP, prediction, predictionText } from './lib/prediction.js';
import type { LoadProgress } from './lib/progress.js';
import type { ExportFormat, SnapshotSlot } from './lib/snapshot.js';
import { type Labels, labelsFor } from './lib/tokens.js';
import { metricLines, significantTokens } from './lib/trust.js';
import type { ExplanationDocument, ViewKind } from './lib/types.js';
import { CancelledView, LoadingView } from './progress.js';
import type { Source } from './sources.js';
import { useDocument } from './use-document.js';
import { MatrixView } from './views/matrix.js';
import { TrustPanel, trustDetails } from './views/trust-panel.js';

export type StateName = 'view' | 'group' | 'layer' | 'head' | 'method';

/** Past this many tokens on a side the matrix is one canvas instead of a DOM grid of cells. */
export const CANVAS_FROM = 65;

// Everything but the small DOM matrix is a separate chunk of the ES build, fetched on first use:
// a page showing a sentence's attention loads none of the canvas, thumbnail or export code.
const CanvasMatrix = lazyView(() => import('./views/matrix-canvas.js').then((m) => m.CanvasMatrix));
const ModelView = lazyView(() => import('./views/model.js').then((m) => m.ModelView));
const SaliencyView = lazyView(() => import('./views/saliency.js').then((m) => m.SaliencyView));
const LinesView = lazyView(() => import('./views/lines.js').then((m) => m.LinesView));
const AlignmentView = lazyView(() => import('./views/alignment.js').then((m) => m.AlignmentView));
const ProbeView = lazyView(() => import('./views/probe.js').then((m) => m.ProbeView));

export interface AppProps {
  source: Source;
  request: ViewRequest;
  /** fixed upper end of the colour scale (attribute scale-max); auto when undefined */
  fixedMax?: number;
  /** the theme attribute, so canvases re-read colours when it changes */
  themeKey: string;
  snap: SnapshotSlot;
  exportImage(format: ExportFormat): Promise<Blob>;
  /** reflect a state change onto the host's attributes (the single source of truth) */
  onState(name: StateName, value: string): void;
  onEvent(
    type: 'attn-load' | 'attn-error' | 'attn-export' | 'attn-progress' | 'attn-cancel',
    detail: unknown,
  ): void;
}

export function App(p: AppProps) {
  const { onEvent } = p;
  const st = useDocument(
    p.source,
    (progress: LoadProgress) => onEvent('attn-progress', progress),
    () => onEvent('attn-cancel', {}),
  );

  useEffect(() => {
    if (st.status === 'ready')
      onEvent('attn-load', { document: st.doc, ...(st.notice ? { notice: st.notice } : {}) });
    if (st.status === 'error') onEvent('attn-error', { code: st.error.code, message: st.error.message });
  }, [st]);

  if (st.status === 'loading') {
    const probe = (p.source.kind === 'api' || p.source.kind === 'browser') && p.source.explain === 'probe';
    return <LoadingView progress={st.progress} probe={probe} onCancel={st.cancel} />;
  }
  if (st.status === 'cancelled') return <CancelledView onRetry={st.retry} />;
  if (st.status === 'idle') {
    return (
      <p class="msg" role="status">
        {st.hint}
      </p>
    );
  }
  if (st.status === 'error') return <ErrorMessage error={st.error} />;
  return <DocumentView doc={st.doc} notice={st.notice} {...p} />;
}

export function ErrorMessage({ error }: { error: WidgetError }) {
  return (
    <div class="msg error" role="alert">
      <strong>Could not show attention:</strong> <span class="error-message">{error.message}</span>{' '}
      <code class="error-code">{error.code}</code>
    </div>
  );
}

function resolveFor(doc: ExplanationDocument, kind: ViewKind | undefined, req: ViewRequest): View | null {
  if (kind === 'alignment') {
    const defaultLayer = defaultAlignmentLayer(doc.alignment, layersIn(doc, 'cross'));
    return resolveView(doc, req, { only: ['cross'], defaultLayer });
  }
  if (kind === 'matrix' || kind === 'model' || kind === 'lines')
    return resolveView(doc, req, { allowAll: kind === 'lines' });
  return null;
}

function DocumentView(p: AppProps & { doc: ExplanationDocument; notice?: string }) {
  const { doc, request, onState } = p;
  const kinds = viewsIn(doc);
  const kind = kinds.find((k) => k === request.view) ?? kinds[0];
  const view = resolveFor(doc, kind, request);
  const ids = useMemo(() => methodIds(doc.saliency ?? []), [doc]);
  const method = kind === 'saliency' ? (ids.find((m) => m === request.method) ?? ids[0]) : undefined;

  // Reflect what is shown (defaults and fallbacks included) so the attributes always tell the state.
  useEffect(() => {
    if (kind && request.view !== kind) onState('view', kind);
    if (method !== undefined && request.method !== method) onState('method', method);
    if (!view) return;
    // An alias (decoder-cross) names the group shown, so it stays as the page wrote it.
    if (groupNamed(request.group) !== view.group) onState('group', view.group);
    if (request.layer !== String(view.layer)) onState('layer', String(view.layer));
    if (request.head !== String(view.head)) onState('head', String(view.head));
  });
  // Each view leaves its snapshot while rendering below; a view still loading leaves none.
  p.snap.current = null;

  return (
    <div class="doc">
      <p class="model">
        <span class="model-id">{doc.model.id}</span> · {doc.model.family} · {doc.model.layers} layers ×{' '}
        {doc.model.heads} heads
        <RanOn doc={doc} />
      </p>
      <PredictionLine doc={doc} />
      {p.notice && (
        <p class="msg notice" role="status">
          {p.notice}
        </p>
      )}
      {!kind ? (
        <p class="msg" role="status">
          This document has no attention entries.
        </p>
      ) : (
        <>
          <Controls
            kinds={kinds}
            kind={kind}
            view={view}
            methods={kind === 'saliency' ? { ids, value: method!, entries: doc.saliency! } : undefined}
            onState={(name, value) => {
              // Opening the alignment view shows its own default layer (best AER, else the last),
              // not the layer another view left behind; the Layer selector still picks any.
              if (name === 'view' && value === 'alignment' && kind !== 'alignment') onState('layer', '');
              onState(name, value);
            }}
          />
          <Body {...p} kind={kind} view={view} method={method} ids={ids} />
          <ExportBar kind={kind} {...p} />
        </>
      )}
    </div>
  );
}

/** Where the model ran (in-browser runs name their backend) and at which precision. */
function RanOn({ doc }: { doc: ExplanationDocument }) {
  const backend = (doc.metrics as { backend?: unknown } | undefined)?.backend;
  const precision = doc.model.precision;
  const parts = [
    typeof backend === 'string' ? `ran in this page on ${backend === 'webgpu' ? 'WebGPU' : 'WASM'}` : '',
    precision ?? '',
  ].filter(Boolean);
  return parts.length ? <span class="ran-on"> · {parts.join(', ')}</span> : null;
}

/** One line with the model's output; text nodes only, so labels and generated text stay text. */
function PredictionLine({ doc }: { doc: ExplanationDocument }) {
  const x = useMemo(() => prediction(doc), [doc]);
  if (!x) return null;
  return (
    <p class="prediction" title={predictionText(x)}>
      <span class="label">{x.lead}:</span> <b class="pred-value">{x.value}</b>
      {x.p !== undefined && <span class="pred-p"> {formatP(x.p)}</span>}
      {x.others.map((o) => (
        <span key={o.value} class="pred-other">
          {' · '}
          {o.value} {formatP(o.p)}
        </span>
      ))}
    </p>
  );
}

interface BodyProps extends AppProps {
  doc: ExplanationDocument;
  kind: ViewKind;
  view: View | null;
  method?: string;
  ids: string[];
}

function Body(p: BodyProps) {
  const { doc, kind, view, themeKey, snap, onState } = p;
  if (kind === 'saliency') {
    const i = p.ids.indexOf(p.method!);
    return <SaliencyView doc={doc} entry={doc.saliency![i]} themeKey={themeKey} snap={snap} />;
  }
  if (kind === 'probe') return <ProbeView doc={doc} themeKey={themeKey} snap={snap} />;
  if (!view) return null;
  if (kind === 'model') {
    return (
      <ModelView
        doc={doc}
        view={view}
        themeKey={themeKey}
        snap={snap}
        onOpen={(layer, head) => {
          onState('layer', String(layer));
          onState('head', String(head));
          onState('view', 'matrix');
        }}
      />
    );
  }
  return <AttentionView {...p} view={view} />;
}

function AttentionView(p: BodyProps & { view: View }) {
  const { doc, view, snap } = p;
  const trust = useMemo(() => metricLines(doc), [doc]);
  // The view leaves its snapshot here; the export adds the trust lines under it.
  const inner = useMemo<SnapshotSlot>(() => ({ current: null }), []);
  snap.current = () => {
    const s = inner.current?.();
    if (!s) throw new Error('Nothing to export yet.');
    return trust.length ? { ...s, details: [...(s.details ?? []), ...trustDetails(trust)] } : s;
  };
  // Tokens the significance metric kept for this map (rollout, or the last layer's attention), marked ◆ as keys.
  const self = (doc.attention ?? []).filter((e) => e.kind === 'self' && !e.derived).map((e) => e.layer);
  const last = self.length ? Math.max(...self) : -1;
  const e = view.entry;
  const map =
    e.derived === 'rollout'
      ? 'rollout'
      : e.kind === 'self' && !e.derived && e.layer === last
        ? 'last_layer_mean'
        : '';
  const sig = useMemo(() => (map ? significantTokens(doc, map) : new Set<number>()), [doc, map]);
  return (
    <>
      <AttentionMap {...p} snap={inner} sig={sig} />
      <TrustPanel lines={trust} label="How far to trust this attention" />
    </>
  );
}

function AttentionMap(p: BodyProps & { view: View; sig: Set<number> }) {
  const { doc, view, fixedMax, kind, themeKey, snap } = p;
  const { entry, headIndex } = view;
  // Decoding can fail on a malformed payload; that is a message, not a crash of the element.
  const decoded = useMemo((): { values: Float32Array } | { error: WidgetError } => {
    try {
      return { values: headMatrix(entryValues(entry), entry, headIndex === 'all' ? 'mean' : headIndex) };
    } catch (e) {
      return { error: toWidgetError(e, 'invalid_document') };
    }
  }, [entry, headIndex]);
  const labels: Labels = useMemo(() => {
    const l = labelsFor(doc, entry);
    if (p.sig.size === 0 || entry.kind !== 'self') return l;
    return { ...l, cols: l.cols.map((c, i) => (p.sig.has(i) ? `${c} ◆` : c)) };
  }, [doc, entry, p.sig]);
  if ('error' in decoded) return <ErrorMessage error={decoded.error} />;

  const title = `${GROUP_LABEL[view.group]}, layer ${view.layer}, ${headText(view)}`;
  const max = scaleMax(decoded.values, fixedMax);
  if (kind === 'lines')
    return (
      <LinesView
        doc={doc}
        view={view}
        labels={labels}
        max={max}
        themeKey={themeKey}
        snap={snap}
        title={title}
      />
    );
  if (kind === 'alignment')
    return (
      <AlignmentView
        doc={doc}
        view={view}
        labels={labels}
        values={decoded.values}
        themeKey={themeKey}
        snap={snap}
        title={title}
      />
    );
  const caption = `${title}: query tokens in rows, key tokens in columns`;
  const props = {
    values: decoded.values,
    labels,
    max,
    caption,
    title,
    legend: legendLabel(entry),
    themeKey,
    snap,
  };
  return Math.max(entry.rows, entry.cols) >= CANVAS_FROM ? (
    <CanvasMatrix {...props} fixedMax={fixedMax !== undefined} />
  ) : (
    <MatrixView {...props} />
  );
}

function ExportBar({ kind, exportImage, onEvent }: AppProps & { kind: ViewKind }) {
  const run = async (format: ExportFormat) => {
    let blob: Blob;
    try {
      blob = await exportImage(format);
    } catch {
      return; // nothing drawn yet (a view still loading)
    }
    const filename = `attn-heatmap-${kind}.${format}`;
    onEvent('attn-export', { format, blob, filename });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  return (
    <div class="bar export">
      <span class="label">Export</span>
      <button type="button" onClick={() => run('png')} aria-label="Export view as PNG">
        PNG
      </button>
      <button type="button" onClick={() => run('svg')} aria-label="Export view as SVG">
        SVG
      </button>
    </div>
  );
}
