/**
 * A live-region update that screen readers announce even when the text repeats: a trailing
 * no-break space alternates, so the region's content always changes.
 */
export function reannounce(text: string): (prev: string) => string {
  return (prev) => `${text}${prev.endsWith('\u00a0') ? '' : '\u00a0'}`;
}
