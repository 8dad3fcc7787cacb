/**
 * Every layer × head at once as canvas thumbnails (bertviz's model view). Each thumbnail is a
 * block-max downsample scaled to its own maximum, so a sharp head stays visible next to a diffuse
 * one. Hover or focus shows the head's entropy and diagonal distance (from head_stats); click or
 * Enter opens that layer and head in the matrix view. Arrow keys move a roving tab stop.
 */
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Legend, legendLabel } from '../legend.js';
import { reannounce } from '../lib/announce.js';
import { blockMax, maxOf, paintRamp, type Theme } from '../lib/canvas.js';
import { entryValues, headMatrix } from '../lib/decode.js';
import { entryFor, GROUP_LABEL, headIds, isCombined, type View } from '../lib/groups.js';
import { gridStep } from '../lib/keys.js';
import { memo } from '../lib/memo.js';
import type { SnapshotSlot } from '../lib/snapshot.js';
import type { ExplanationDocument, HeadStat } from '../lib/types.js';
import { withTheme } from '../use-theme.js';
import { modelCss } from './view-styles.js';

interface Props {
  doc: ExplanationDocument;
  view: View;
  theme: Theme;
  snap: SnapshotSlot;
  onOpen(layer: number, head: number | 'mean' | 'max'): void;
}

/** Thumbnail resolution: enough to show structure, small enough to paint 144 heads quickly. */
const THUMB = 96;

interface Thumb {
  layer: number;
  /** model head id, or how a combined entry was made */
  head: number | 'mean' | 'max';
  block: Float32Array;
  /** downsampled rows and columns (at most THUMB each; never more than the matrix has) */
  rows: number;
  cols: number;
  max: number;
}

export const ModelView = withTheme(ModelViewInner, modelCss);

function ModelViewInner({ doc, view, theme, snap, onOpen }: Props) {
  const { group } = view;
  const grid = useMemo(() => {
    const rows: Thumb[][] = [];
    let cols: (number | 'mean' | 'max')[] = [];
    for (const layer of view.layers) {
      const e = entryFor(doc, group, layer);
      if (!e) continue;
      const values = entryValues(e);
      const tr = Math.min(THUMB, e.rows);
      const tc = Math.min(THUMB, e.cols);
      const heads: (number | 'mean' | 'max')[] = isCombined(e)
        ? [e.aggregate === 'max' ? 'max' : 'mean']
        : headIds(e);
      if (heads.length > cols.length) cols = heads;
      rows.push(
        heads.map((head, k) => {
          const m = headMatrix(values, e, isCombined(e) ? 0 : k);
          const block = blockMax(m, e.rows, e.cols, tr, tc);
          return { layer, head, block, rows: tr, cols: tc, max: maxOf(block) };
        }),
      );
    }
    return { rows, cols };
  }, [doc, group, view.layers]);

  const [active, setActive] = useState({ r: 0, c: 0 });
  const [hover, setHover] = useState<{ r: number; c: number } | null>(null);
  const [focused, setFocused] = useState(false);
  const [announce, setAnnounce] = useState('');
  const box = useRef<HTMLDivElement>(null);
  // A stable callback, so the memoised thumbnails skip re-rendering on hover.
  const openRef = useRef(onOpen);
  openRef.current = onOpen;
  const open = useCallback((l: number, h: number | 'mean' | 'max') => openRef.current(l, h), []);
  const nr = grid.rows.length;
  const nc = grid.cols.length;
  const ar = Math.min(active.r, nr - 1);
  const ac = Math.min(active.c, (grid.rows[ar]?.length ?? 1) - 1);

  snap.current = () => ({
    kind: 'model',
    rowLabels: grid.rows.map((r) => `Layer ${r[0]?.layer ?? ''}`),
    colLabels: grid.cols.map(colLabel),
    thumbs: grid.rows.map((r) => grid.cols.map((_, c) => r[c] ?? null)),
    title: `${GROUP_LABEL[group]}: every layer and head`,
    theme,
  });

  const stats = useMemo(() => {
    const m = new Map<string, HeadStat>();
    for (const s of doc.head_stats ?? []) m.set(`${s.kind}/${s.stack}/${s.layer}/${s.head}`, s);
    return m;
  }, [doc]);
  const describe = (t: Thumb) => {
    const s =
      typeof t.head === 'number'
        ? stats.get(`${view.entry.kind}/${view.entry.stack}/${t.layer}/${t.head}`)
        : undefined;
    const name = `Layer ${t.layer}, ${colLabel(t.head).toLowerCase()}`;
    const st = s
      ? `entropy ${s.entropy.toFixed(2)} nats, diagonal distance ${s.diagonal_distance.toFixed(2)}`
      : typeof t.head === 'number'
        ? 'no head statistics in the document'
        : '';
    return { name, st };
  };

  const focusAt = (r: number, c: number) => {
    setActive({ r, c });
    const t = grid.rows[r]?.[c];
    if (t) {
      const d = describe(t);
      setAnnounce(reannounce(`${d.name}${d.st ? `: ${d.st}` : ''}`));
    }
    // Move DOM focus after the tab stop moved.
    requestAnimationFrame(() => box.current?.querySelector<HTMLElement>(`[data-rc="${r},${c}"]`)?.focus());
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const to = gridStep(e, { r: ar, c: ac }, nr, nc);
    if (!to) return;
    e.preventDefault();
    const r = Math.max(0, Math.min(nr - 1, to.r));
    const c = Math.max(0, Math.min((grid.rows[r]?.length ?? 1) - 1, to.c));
    focusAt(r, c);
  };
  const posOf = (el: EventTarget | null) => {
    const rc = (el as Element | null)?.closest?.('[data-rc]')?.getAttribute('data-rc');
    if (!rc) return null;
    const [r, c] = rc.split(',').map(Number);
    return { r, c };
  };

  const shown = hover ?? (focused ? { r: ar, c: ac } : null);
  const t = shown && grid.rows[shown.r]?.[shown.c];
  const d = t && describe(t);
  return (
    <div class="model-view">
      <p class="readout" aria-hidden="true">
        {d ? (
          <>
            <b>{d.name}</b>
            {d.st && ` · ${d.st}`} · <span class="hint">click or Enter opens it</span>
          </>
        ) : (
          <span class="hint">
            Hover or focus a head for its entropy; click or Enter opens it in the matrix.
          </span>
        )}
      </p>
      {/* biome-ignore lint/a11y/useSemanticElements: a keyboard-navigable composite, not a form fieldset */}
      <div
        class="model-grid"
        ref={box}
        role="group"
        aria-label={`${GROUP_LABEL[group]}: ${nr} layers × ${nc} heads. Arrow keys move, Enter opens a head.`}
        style={`grid-template-columns:max-content repeat(${nc},minmax(40px,104px))`}
        onKeyDown={onKeyDown}
        onPointerOver={(e) => setHover(posOf(e.target))}
        onPointerLeave={() => setHover(null)}
        onFocusCapture={(e) => {
          const p = posOf(e.target);
          if (p) {
            setFocused(true);
            if (p.r !== ar || p.c !== ac) setActive(p);
          }
        }}
        onBlurCapture={() => setFocused(false)}
      >
        <span />
        {grid.cols.map((h) => (
          <span class="hd" key={String(h)}>
            {colLabel(h)}
          </span>
        ))}
        {grid.rows.map((row, r) => [
          <span class="hd" key={`l${r}`}>
            Layer {row[0]?.layer}
          </span>,
          ...grid.cols.map((_, c) =>
            row[c] ? (
              <ThumbButton
                key={`${r},${c}`}
                t={row[c]}
                rc={`${r},${c}`}
                label={(() => {
                  const x = describe(row[c]);
                  return `${x.name}${x.st ? `, ${x.st}` : ''}. Open in matrix`;
                })()}
                tab={r === ar && c === ac}
                on={!!shown && shown.r === r && shown.c === c}
                theme={theme}
                onOpen={open}
              />
            ) : (
              <span key={`${r},${c}`} />
            ),
          ),
        ])}
      </div>
      <Legend max={1} label={legendLabel(view.entry)} relative />
      <p class="note">
        Each thumbnail is scaled to its own largest weight (block maximum of the full matrix).
      </p>
      <p class="sr-only" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}

const colLabel = (h: number | 'mean' | 'max') =>
  h === 'mean' ? 'Heads averaged' : h === 'max' ? 'Max of heads' : `Head ${h}`;

interface ThumbProps {
  t: Thumb;
  rc: string;
  label: string;
  tab: boolean;
  on: boolean;
  theme: Theme;
  onOpen: Props['onOpen'];
}

// Memoised: a hover re-renders two thumbnails' buttons, and never repaints a canvas.
const ThumbButton = memo(function ThumbButton({ t, rc, label, tab, on, theme, onOpen }: ThumbProps) {
  return (
    <button
      type="button"
      class={`thumb${on ? ' on' : ''}`}
      data-rc={rc}
      tabIndex={tab ? 0 : -1}
      aria-label={label}
      onClick={() => onOpen(t.layer, t.head)}
    >
      <ThumbCanvas t={t} theme={theme} />
    </button>
  );
});

function ThumbCanvas({ t, theme }: { t: Thumb; theme: Theme }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const c = ref.current!;
    c.width = t.cols;
    c.height = t.rows;
    const ctx = c.getContext('2d')!;
    const img = ctx.createImageData(t.cols, t.rows);
    paintRamp(t.block, t.max, theme.lut, new Uint32Array(img.data.buffer));
    ctx.putImageData(img, 0, 0);
  }, [t, theme]);
  return <canvas ref={ref} />;
}
