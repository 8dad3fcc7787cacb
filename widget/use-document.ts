/**
 * The load state of the element's current source, restarted (and the old load aborted) when it
 * changes. While loading it carries the latest progress and a cancel(); a cancelled load waits for
 * retry().
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { toWidgetError, type WidgetError } from './lib/errors.js';
import type { LoadProgress } from './lib/progress.js';
import type { ExplanationDocument } from './lib/types.js';
import { loadSource, type Source, sourceKey } from './sources.js';

export type DocState =
  | { status: 'idle'; hint: string }
  | { status: 'loading'; progress?: LoadProgress; cancel(): void }
  | { status: 'cancelled'; retry(): void }
  | { status: 'ready'; doc: ExplanationDocument; notice?: string }
  | { status: 'error'; error: WidgetError };

type Settled = Exclude<DocState, { status: 'loading' | 'cancelled' }>;
type Inner = Settled | { status: 'loading'; progress?: LoadProgress } | { status: 'cancelled' };

export function useDocument(
  source: Source,
  onProgress: (p: LoadProgress) => void = () => {},
  onCancel: () => void = () => {},
): DocState {
  const key = sourceKey(source);
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<{ key: string; attempt: number; st: Inner } | null>(null);
  const ctl = useRef<AbortController | null>(null);
  const report = useRef(onProgress);
  report.current = onProgress;

  useEffect(() => {
    if (source.kind === 'none') {
      setState({ key, attempt, st: { status: 'idle', hint: source.hint } });
      return;
    }
    if (source.kind === 'wait') return;
    const c = new AbortController();
    ctl.current = c;
    const set = (st: Inner) => c.signal.aborted || setState({ key, attempt, st });
    loadSource(source, c.signal, (progress) => {
      if (c.signal.aborted) return;
      report.current(progress);
      set({ status: 'loading', progress });
    }).then(
      ({ doc, notice }) => set({ status: 'ready', doc, notice }),
      (e) => set({ status: 'error', error: toWidgetError(e) }),
    );
    return () => c.abort();
  }, [key, attempt]);

  // Until the effect for a new key has answered, the old document is stale: show loading.
  const st: Inner =
    state && state.key === key && state.attempt === attempt ? state.st : { status: 'loading' };
  if (st.status === 'cancelled') return { status: 'cancelled', retry: () => setAttempt((n) => n + 1) };
  if (st.status !== 'loading') return st;
  return {
    ...st,
    cancel: () => {
      const c = ctl.current;
      if (!c || c.signal.aborted) return;
      c.abort(new DOMException('Cancelled by the reader', 'AbortError'));
      setState({ key, attempt, st: { status: 'cancelled' } });
      onCancel();
    },
  };
}
