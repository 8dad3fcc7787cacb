/**
 * A component loaded on first use with import(): a separate chunk in the ES build (so pages that
 * never open it never fetch it), inlined in the IIFE build, which cannot split.
 */
import type { ComponentType, FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function lazyView<P>(load: () => Promise<ComponentType<P>>): FunctionComponent<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  return function Lazy(props: P) {
    const [, setReady] = useState(0);
    const [failed, setFailed] = useState<string | null>(null);
    useEffect(() => {
      if (loaded) return;
      pending ??= load();
      pending.then(
        (c) => {
          loaded = c;
          setReady(1);
        },
        (e) => {
          pending = null;
          setFailed(String(e?.message ?? e));
        },
      );
    }, []);
    if (failed)
      return (
        <p class="msg error" role="alert">
          Could not load this view: {failed}
        </p>
      );
    if (!loaded)
      return (
        <p class="msg" role="status">
          Loading view…
        </p>
      );
    const C = loaded as ComponentType<P & object>;
    return <C {...(props as P & object)} />;
  };
}
