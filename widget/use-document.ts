/** The load state of the element's current source, restarted (and the old load aborted) when it changes. */
import { useEffect, useState } from 'preact/hooks';
import { toWidgetError, type WidgetError } from './lib/errors.js';
import type { ExplanationDocument } from './lib/types.js';
import { loadSource, type Source, sourceKey } from './sources.js';

export type DocState =
  | { status: 'idle'; hint: string }
  | { status: 'loading' }
  | { status: 'ready'; doc: ExplanationDocument; notice?: string }
  | { status: 'error'; error: WidgetError };

export function useDocument(source: Source): DocState {
  const key = sourceKey(source);
  const [state, setState] = useState<{ key: string; st: DocState } | null>(null);

  useEffect(() => {
    if (source.kind === 'none') {
      setState({ key, st: { status: 'idle', hint: source.hint } });
      return;
    }
    if (source.kind === 'wait') return;
    const ctl = new AbortController();
    loadSource(source, ctl.signal).then(
      ({ doc, notice }) => ctl.signal.aborted || setState({ key, st: { status: 'ready', doc, notice } }),
      (e) => ctl.signal.aborted || setState({ key, st: { status: 'error', error: toWidgetError(e) } }),
    );
    return () => ctl.abort();
  }, [key]);

  // Until the effect for a new key has answered, the old document is stale: show loading.
  return state && state.key === key ? state.st : { status: 'loading' };
}
