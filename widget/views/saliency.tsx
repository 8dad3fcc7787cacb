/**
 * Token saliency as inline text: each input token's background shows its score, on a sequential
 * scale for non-negative methods (gradient norms) and a diverging one centred on 0 for signed ones
 * (gradient × input, integrated gradients). Tokens are a roving-tabindex list: Left/Right move,
 * hover and focus give the value (and the live region reads it). Integrated gradients show their
 * completeness error.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { reannounce } from '../lib/announce.js';
import type { Theme } from '../lib/canvas.js';
import { mixPercent } from '../lib/color.js';
import { inkOn } from '../lib/contrast.js';
import { methodName } from '../lib/methods.js';
import { mix } from '../lib/palette.js';
import { rovingHandlers } from '../lib/roving-list.js';
import { completenessText, formatScore, saliencyScale, saliencyT, targetText } from '../lib/saliency.js';
import type { SnapshotSlot } from '../lib/snapshot.js';
import { displayToken } from '../lib/tokens.js';
import { significantTokens, trustLines } from '../lib/trust.js';
import type { ExplanationDocument, SaliencyEntry } from '../lib/types.js';
import { withTheme } from '../use-theme.js';
import { TrustPanel, trustDetails } from './trust-panel.js';
import { saliencyCss } from './view-styles.js';

interface Props {
  doc: ExplanationDocument;
  entry: SaliencyEntry;
  theme: Theme;
  snap: SnapshotSlot;
}

export const SaliencyView = withTheme(SaliencyViewInner, saliencyCss);

function SaliencyViewInner({ doc, entry, theme, snap }: Props) {
  const toks = doc.input.tokens;
  const n = Math.min(toks.length, entry.scores.length);
  const scale = saliencyScale(entry.scores.slice(0, n));
  const [active, setActive] = useState(0);
  const [hover, setHover] = useState<number | null>(null);
  const [focused, setFocused] = useState(false);
  const [announce, setAnnounce] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const move = useRef(false);
  const a = Math.min(active, n - 1);
  const target = targetText(entry.target);
  const complete = completenessText(entry);
  const title = `${methodName(entry.method)}${target ? ` (${target})` : ''}`;
  const trust = trustLines(doc);
  // tokens the significance metric kept, marked ◆ in the map, its labels and its export
  const sig = significantTokens(doc, entry.method);
  const mark = (i: number) => (sig.has(i) ? ' ◆' : '');
  const sigLabel = (i: number) => (sig.has(i) ? ', significant' : '');

  snap.current = () => ({
    kind: 'saliency',
    tokens: Array.from({ length: n }, (_, i) => ({
      text: displayToken(toks[i].text) + mark(i),
      t: saliencyT(entry.scores[i], scale),
      special: toks[i].special,
    })),
    signed: scale.signed,
    title,
    note: complete ?? undefined,
    details: trustDetails(trust),
    theme,
  });

  useLayoutEffect(() => {
    if (!move.current) return;
    move.current = false;
    box.current?.querySelector<HTMLElement>(`[data-i="${a}"]`)?.focus();
  });

  const say = (i: number) =>
    setAnnounce(reannounce(`${displayToken(toks[i].text)}: ${formatScore(entry.scores[i])}${sigLabel(i)}`));
  const handlers = rovingHandlers({ a, n, move, setActive, setHover, setFocused, say });
  const shown = hover ?? (focused ? a : null);

  return (
    <div class="saliency">
      <p class="readout" aria-hidden="true">
        {shown !== null ? (
          <>
            <span class="tok">{displayToken(toks[shown].text)}</span>:{' '}
            <b>{formatScore(entry.scores[shown])}</b>
          </>
        ) : (
          <span class="hint">Hover or focus a token to read its score.</span>
        )}
      </p>
      <div
        class="sal"
        ref={box}
        role="listbox"
        aria-label={`${title}: one score per input token`}
        aria-orientation="horizontal"
        {...handlers}
      >
        {Array.from({ length: n }, (_, i) => {
          const t = saliencyT(entry.scores[i], scale);
          const c = scale.signed ? (t < 0 ? 'var(--_neg)' : 'var(--_pos)') : 'var(--_scale-high)';
          const b = scale.signed ? 'var(--_bg)' : 'var(--_scale-low)';
          // The same OKLab mix as the CSS background, to pick the text colour that stays readable on it.
          const w = Math.round(Math.abs(t) * 1000) / 1000;
          const fill = scale.signed
            ? mix(theme.bg, t < 0 ? theme.neg : theme.pos, w)
            : mix(theme.low, theme.high, w);
          return (
            <span
              key={i}
              data-i={i}
              role="option"
              aria-selected={i === a}
              tabIndex={i === a ? 0 : -1}
              aria-label={`${displayToken(toks[i].text)}: ${formatScore(entry.scores[i])}${sigLabel(i)}`}
              class={`tk ink-${inkOn(fill)}${toks[i].special ? ' sp' : ''}${i === shown ? ' on' : ''}${sig.has(i) ? ' sig' : ''}`}
              style={`--w:${mixPercent(Math.abs(t))};--_c:${c};--_b:${b}`}
            >
              {displayToken(toks[i].text)}
            </span>
          );
        })}
      </div>
      <div class="legend">
        <span class="legend-label">{scale.signed ? 'Score (signed)' : 'Score'}</span>
        <div class="legend-scale">
          <div
            class={`legend-bar${scale.signed ? ' div' : ''}`}
            role="img"
            aria-label={`Colour scale from ${scale.signed ? formatScore(-scale.max) : 0} to ${formatScore(scale.max)}`}
          />
          <div class="legend-ticks" aria-hidden="true">
            <span>{scale.signed ? formatScore(-scale.max) : '0'}</span>
            {scale.signed && <span>0</span>}
            <span>{formatScore(scale.max)}</span>
          </div>
        </div>
      </div>
      <TrustPanel lines={trust} label="How far to trust this map" />
      {(target || complete) && (
        <p class="note saliency-checks">
          {target && <>Target: {target}. </>}
          {complete && <span class="completeness">Integrated gradients {complete}.</span>}
        </p>
      )}
      <p class="sr-only" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}
