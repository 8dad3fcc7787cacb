/**
 * The trust panel: the reliability figures of a document, one line each with what it means, as a
 * list a screen reader announces by its label and a keyboard reaches (the list is focusable when it
 * holds anything, so the figures are one Tab away from the map).
 */
import type { TrustLine } from '../lib/trust.js';

export function TrustPanel({ lines, label }: { lines: TrustLine[]; label: string }) {
  if (lines.length === 0) return null;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the figures are read, not operated; Tab brings a keyboard reader to them
    <ul class="trust" aria-label={label} tabIndex={0}>
      {lines.map((l) => (
        <li key={l.key + l.text.slice(0, 24)} class={`trust-${l.key}${l.warn ? ' warn' : ''}`}>
          {l.warn && <strong>Warning: </strong>}
          {l.text}
        </li>
      ))}
    </ul>
  );
}

/** The lines as an export writes them under the figure. */
export const trustDetails = (lines: TrustLine[]) =>
  lines.map((l) => (l.warn ? `Warning: ${l.text}` : l.text));
