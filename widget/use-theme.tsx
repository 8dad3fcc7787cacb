/**
 * The widget's resolved colours for what it paints itself (canvas, exports), read after layout
 * from an element in the shadow root and read again when the theme attribute or the system colour
 * scheme changes. Only the lazily loaded views use this, so the base bundle carries none of it.
 */
import type { ComponentType, RefObject } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { readTheme, type Theme } from './lib/canvas.js';
import { adoptCss } from './lib/sheets.js';

export function useTheme(ref: RefObject<Element>, themeKey: string): Theme | null {
  const [theme, setTheme] = useState<Theme | null>(null);
  const [scheme, setScheme] = useState(0);
  useLayoutEffect(() => {
    if (ref.current) setTheme(readTheme(ref.current));
  }, [themeKey, scheme]);
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const on = () => setScheme((n) => n + 1);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return theme;
}

/**
 * A view that needs colours: rendered once they are read (in the same frame, before paint), with
 * its own styles (kept in its chunk, out of the base stylesheet), adopted into the shadow root.
 */
export function withTheme<P extends { theme: Theme }>(C: ComponentType<P>, css: string) {
  return function Themed(props: Omit<P, 'theme'> & { themeKey: string }) {
    const ref = useRef<HTMLDivElement>(null);
    // Before the theme is read (useTheme's layout effect runs after this one) and before paint.
    useLayoutEffect(() => {
      const root = ref.current?.getRootNode();
      if (root instanceof ShadowRoot) adoptCss(root, css);
    }, []);
    const theme = useTheme(ref, props.themeKey);
    const Inner = C as ComponentType<object>;
    return <div ref={ref}>{theme && <Inner {...props} theme={theme} />}</div>;
  };
}
