/** Top level inside the shadow root: load state → message, or controls + the view for the document. */
import { useEffect, useMemo } from 'preact/hooks';
import { Controls } from './controls.js';
import { scaleMax } from './lib/color.js';
import { entryValues, headMatrix } from './lib/decode.js';
import { toWidgetError, type WidgetError } from './lib/errors.js';
import { GROUP_LABEL, resolveView, type View, type ViewRequest } from './lib/groups.js';
import { labelsFor } from './lib/tokens.js';
import type { ExplanationDocument } from './lib/types.js';
import type { Source } from './sources.js';
import { useDocument } from './use-document.js';
import { MatrixView } from './views/matrix.js';

export type StateName = 'group' | 'layer' | 'head';

export interface AppProps {
  source: Source;
  request: ViewRequest;
  /** fixed upper end of the colour scale (attribute scale-max); auto when undefined */
  fixedMax?: number;
  /** reflect a state change onto the host's attributes (the single source of truth) */
  onState(name: StateName, value: string): void;
  onEvent(type: 'attn-load' | 'attn-error', detail: unknown): void;
}

export function App(p: AppProps) {
  const st = useDocument(p.source);
  const { onEvent } = p;

  useEffect(() => {
    if (st.status === 'ready') onEvent('attn-load', { document: st.doc });
    if (st.status === 'error') onEvent('attn-error', { code: st.error.code, message: st.error.message });
  }, [st]);

  if (st.status === 'loading') {
    return (
      <p class="msg" role="status">
        Loading attention…
      </p>
    );
  }
  if (st.status === 'idle') {
    return (
      <p class="msg" role="status">
        {st.hint}
      </p>
    );
  }
  if (st.status === 'error') return <ErrorMessage error={st.error} />;
  return <DocumentView doc={st.doc} {...p} />;
}

function ErrorMessage({ error }: { error: WidgetError }) {
  return (
    <div class="msg error" role="alert">
      <strong>Could not show attention:</strong> <span class="error-message">{error.message}</span>{' '}
      <code class="error-code">{error.code}</code>
    </div>
  );
}

function DocumentView({ doc, request, fixedMax, onState }: AppProps & { doc: ExplanationDocument }) {
  const view = resolveView(doc, request);

  // Reflect what is shown (defaults and fallbacks included) so the attributes always tell the state.
  useEffect(() => {
    if (!view) return;
    if (request.group !== view.group) onState('group', view.group);
    if (request.layer !== String(view.layer)) onState('layer', String(view.layer));
    if (request.head !== String(view.head)) onState('head', String(view.head));
  });

  return (
    <div class="doc">
      <p class="model">
        <span class="model-id">{doc.model.id}</span> · {doc.model.family} · {doc.model.layers} layers ×{' '}
        {doc.model.heads} heads
      </p>
      {view ? (
        <AttentionView doc={doc} view={view} fixedMax={fixedMax} onState={onState} />
      ) : (
        <p class="msg" role="status">
          This document has no attention entries.
        </p>
      )}
    </div>
  );
}

interface AttentionViewProps {
  doc: ExplanationDocument;
  view: View;
  fixedMax?: number;
  onState: AppProps['onState'];
}

function AttentionView({ doc, view, fixedMax, onState }: AttentionViewProps) {
  const { entry, headIndex } = view;
  // Decoding can fail on a malformed payload; that is a message, not a crash of the element.
  const decoded = useMemo((): { values: Float32Array } | { error: WidgetError } => {
    try {
      return { values: headMatrix(entryValues(entry), entry, headIndex) };
    } catch (e) {
      return { error: toWidgetError(e, 'invalid_document') };
    }
  }, [entry, headIndex]);
  const labels = useMemo(() => labelsFor(doc, entry), [doc, entry]);

  const headText = view.head === 'mean' ? `mean of ${view.heads.length} heads` : `head ${view.head}`;
  const caption = `${GROUP_LABEL[view.group]}, layer ${view.layer}, ${headText}: query tokens in rows, key tokens in columns`;
  return (
    <>
      <Controls view={view} onState={onState} />
      {'error' in decoded ? (
        <ErrorMessage error={decoded.error} />
      ) : (
        <MatrixView
          values={decoded.values}
          labels={labels}
          max={scaleMax(decoded.values, fixedMax)}
          caption={caption}
        />
      )}
    </>
  );
}
