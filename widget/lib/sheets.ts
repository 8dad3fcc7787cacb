/**
 * Styles for the shadow root as constructable stylesheets (adoptedStyleSheets), not <style>
 * elements: a page's Content-Security-Policy `style-src` governs <style> elements and style
 * attributes in markup, but not stylesheets built through the CSSOM, so the widget works under a
 * strict `style-src 'self'` with no 'unsafe-inline'. One sheet per CSS text is shared by every
 * instance (parsed once). Where a browser lacks constructable sheets, a <style> is the fallback.
 */
const sheets = new Map<string, CSSStyleSheet>();
const fallback = new WeakMap<ShadowRoot, Set<string>>();

/** Adds `css` to `root` once (a second call with the same text is a no-op). */
export function adoptCss(root: ShadowRoot, css: string): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
    let sheet = sheets.get(css);
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      sheets.set(css, sheet);
    }
    if (!root.adoptedStyleSheets.includes(sheet))
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    return;
  }
  const done = fallback.get(root) ?? new Set<string>();
  fallback.set(root, done);
  if (done.has(css)) return;
  done.add(css);
  const style = document.createElement('style');
  style.textContent = css;
  root.prepend(style);
}
