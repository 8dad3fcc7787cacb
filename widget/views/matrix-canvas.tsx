/**
 * The attention matrix for large inputs: one canvas for the heat (one pixel per cell in an
 * offscreen bitmap, drawn scaled without smoothing, so a 1,024² matrix is a single drawImage) and
 * one overlay canvas on top for hover and focus marks, which is all a hover repaints.
 *
 * The overlay is the single focusable element: arrows, PageUp/Down, Home/End move a highlighted
 * cell (announced in a polite live region, like the DOM grid), + / − zoom, 0 fits. The wheel zooms
 * about the pointer, dragging pans, and the buttons do both too.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Legend } from '../legend.js';
import { reannounce } from '../lib/announce.js';
import { heatBitmap, rgb, sizeCanvas, type Theme } from '../lib/canvas.js';
import { formatWeight } from '../lib/color.js';
import { gridStep } from '../lib/keys.js';
import type { SnapshotSlot } from '../lib/snapshot.js';
import type { Labels } from '../lib/tokens.js';
import {
  cellAt,
  clampView,
  ensureVisible,
  fitView,
  type Viewport,
  visibleRange,
  zoomAt,
} from '../lib/viewport.js';

import { withTheme } from '../use-theme.js';
import { canvasMatrixCss } from './view-styles.js';
import { ZoomBar } from './zoom-bar.js';

interface Props {
  values: Float32Array;
  labels: Labels;
  max: number;
  caption: string;
  title: string;
  /** what the colours measure (legendLabel) */
  legend: string;
  theme: Theme;
  snap: SnapshotSlot;
}

interface Pos {
  r: number;
  c: number;
}

/** Gutters for token labels (or index ticks when cells are too small to label). */
const LEFT = 84;
const TOP = 64;
const PAGE = 16;
const LABEL_FROM = 9;

export const CanvasMatrix = withTheme(CanvasMatrixInner, canvasMatrixCss);

function CanvasMatrixInner({ values, labels, max, caption, title, legend, theme, snap }: Props) {
  const nr = labels.rows.length;
  const nc = labels.cols.length;
  const wrap = useRef<HTMLDivElement>(null);
  const base = useRef<HTMLCanvasElement>(null);
  const over = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const plotW = Math.max(160, width - LEFT);
  const plotH = Math.max(160, Math.min(Math.round((plotW * nr) / nc), 720));
  const vp = useRef<Viewport>(fitView(nr, nc, plotW, plotH));
  const [vpVersion, setVpVersion] = useState(0);
  const [active, setActive] = useState<Pos>({ r: 0, c: 0 });
  const [hover, setHover] = useState<Pos | null>(null);
  const [focused, setFocused] = useState(false);
  const [announce, setAnnounce] = useState('');
  const hoverRef = useRef<Pos | null>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean; id: number } | null>(null);
  const frame = useRef(0);

  const bitmap = useMemo(() => heatBitmap(values, nr, nc, max, theme.lut), [values, max, theme, nr, nc]);

  // Width follows the container; the viewport refits when the plot area changes.
  useLayoutEffect(() => {
    const el = wrap.current!;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);
  useLayoutEffect(() => {
    vp.current = fitView(nr, nc, plotW, plotH);
    setVpVersion((v) => v + 1);
  }, [plotW, plotH, nr, nc]);

  const ar = Math.min(active.r, nr - 1);
  const ac = Math.min(active.c, nc - 1);

  snap.current = () => {
    const v = vp.current;
    const [c0, c1] = visibleRange(v.ox, v.size, nc, plotW);
    const [r0, r1] = visibleRange(v.oy, v.size, nr, plotH);
    return {
      kind: 'matrix',
      values,
      rows: labels.rows,
      cols: labels.cols,
      max,
      window: { r0, r1, c0, c1 },
      title,
      theme,
    };
  };

  function drawBase() {
    const c = base.current;
    if (!c) return;
    const ctx = sizeCanvas(c, LEFT + plotW, TOP + plotH);
    const v = vp.current;
    ctx.fillStyle = rgb(theme.bg);
    ctx.fillRect(0, 0, LEFT + plotW, TOP + plotH);
    ctx.save();
    ctx.beginPath();
    ctx.rect(LEFT, TOP, plotW, plotH);
    ctx.clip();
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(bitmap, LEFT + v.ox, TOP + v.oy, nc * v.size, nr * v.size);
    ctx.restore();
    // Labels where cells are tall enough to read; index ticks otherwise.
    ctx.fillStyle = rgb(theme.fg);
    const [c0, c1] = visibleRange(v.ox, v.size, nc, plotW);
    const [r0, r1] = visibleRange(v.oy, v.size, nr, plotH);
    if (v.size >= LABEL_FROM) {
      const fs = Math.min(12, v.size - 1);
      ctx.font = `${fs}px ui-monospace, Menlo, Consolas, monospace`;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      for (let r = r0; r < r1; r++)
        ctx.fillText(clip(labels.rows[r]), LEFT - 4, TOP + v.oy + (r + 0.5) * v.size, LEFT - 6);
      ctx.save();
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'left';
      for (let c = c0; c < c1; c++)
        ctx.fillText(clip(labels.cols[c]), -(TOP - 4), LEFT + v.ox + (c + 0.5) * v.size, TOP - 6);
      ctx.restore();
    } else {
      ctx.fillStyle = rgb(theme.muted);
      ctx.font = '10px system-ui, sans-serif';
      const step = tickStep(v.size);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      for (let r = Math.ceil(r0 / step) * step; r < r1; r += step)
        ctx.fillText(String(r), LEFT - 4, TOP + v.oy + (r + 0.5) * v.size);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      for (let c = Math.ceil(c0 / step) * step; c < c1; c += step)
        ctx.fillText(String(c), LEFT + v.ox + (c + 0.5) * v.size, TOP - 4);
      ctx.textAlign = 'left';
      ctx.fillText('key →', LEFT, 12);
      ctx.save();
      ctx.rotate(-Math.PI / 2);
      ctx.fillText('query →', -TOP - 60, 12);
      ctx.restore();
    }
  }

  function drawOverlay() {
    const c = over.current;
    if (!c) return;
    const ctx = sizeCanvas(c, LEFT + plotW, TOP + plotH);
    ctx.clearRect(0, 0, LEFT + plotW, TOP + plotH);
    const v = vp.current;
    const x = (col: number) => LEFT + v.ox + col * v.size;
    const y = (row: number) => TOP + v.oy + row * v.size;
    ctx.save();
    // Marks stay on the matrix (which may be narrower than the plot area when fitted).
    const x0 = Math.max(LEFT, LEFT + v.ox);
    const y0 = Math.max(TOP, TOP + v.oy);
    ctx.beginPath();
    ctx.rect(
      x0 - 3,
      y0 - 3,
      Math.min(LEFT + plotW, LEFT + v.ox + nc * v.size) - x0 + 6,
      Math.min(TOP + plotH, TOP + v.oy + nr * v.size) - y0 + 6,
    );
    ctx.clip();
    const h = hoverRef.current;
    if (h) {
      // A light crosshair band along the hovered row and column, and the cell itself outlined.
      ctx.fillStyle = rgb(theme.accent, 0.18);
      ctx.fillRect(LEFT, y(h.r), plotW, Math.max(v.size, 1));
      ctx.fillRect(x(h.c), TOP, Math.max(v.size, 1), plotH);
      ctx.strokeStyle = rgb(theme.fg);
      ctx.lineWidth = 1;
      ctx.strokeRect(x(h.c) - 0.5, y(h.r) - 0.5, Math.max(v.size, 2) + 1, Math.max(v.size, 2) + 1);
    }
    if (focused) {
      const s = Math.max(v.size, 4);
      const cx = x(ac) + v.size / 2 - s / 2;
      const cy = y(ar) + v.size / 2 - s / 2;
      ctx.strokeStyle = rgb(theme.bg);
      ctx.lineWidth = 4;
      ctx.strokeRect(cx - 2, cy - 2, s + 4, s + 4);
      ctx.strokeStyle = rgb(theme.accent);
      ctx.lineWidth = 2;
      ctx.strokeRect(cx - 2, cy - 2, s + 4, s + 4);
    }
    ctx.restore();
  }

  // The heat is repainted when data, theme or viewport change; marks after every render.
  useLayoutEffect(drawBase, [bitmap, vpVersion, plotW, plotH, theme]);
  useLayoutEffect(drawOverlay);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const setView = (v: Viewport) => {
    vp.current = clampView(v, nr, nc, plotW, plotH);
    // Wheel and drag fire faster than frames: paint once per frame.
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      drawBase();
      drawOverlay();
      setVpVersion((n) => n + 1);
    });
  };
  const zoom = (f: number, px = plotW / 2, py = plotH / 2) =>
    setView(zoomAt(vp.current, f, px, py, nr, nc, plotW, plotH));
  const local = (e: MouseEvent) => {
    const r = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    return { x: e.clientX - r.left - LEFT, y: e.clientY - r.top - TOP };
  };
  const describe = (p: Pos) => ({
    row: labels.rows[p.r],
    col: labels.cols[p.c],
    value: formatPrecise(values[p.r * nc + p.c]),
  });
  const announceCell = (p: Pos) => {
    const d = describe(p);
    setAnnounce(reannounce(`${d.row} → ${d.col}: ${d.value}`));
  };

  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (d && d.id === e.pointerId) {
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      if (d.moved || Math.abs(dx) + Math.abs(dy) > 3) {
        d.moved = true;
        d.x = e.clientX;
        d.y = e.clientY;
        setView({ ...vp.current, ox: vp.current.ox + dx, oy: vp.current.oy + dy });
        return;
      }
    }
    const { x, y } = local(e);
    const p = x >= 0 && y >= 0 && x < plotW && y < plotH ? cellAt(vp.current, x, y, nr, nc) : null;
    const h = hoverRef.current;
    if (p?.r === h?.r && p?.c === h?.c) return;
    hoverRef.current = p;
    // Paint the mark now, in this event; the readout follows in the same frame.
    drawOverlay();
    setHover(p);
  };
  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, y: e.clientY, moved: false, id: e.pointerId };
    (e.currentTarget as HTMLCanvasElement).setPointerCapture?.(e.pointerId);
  };
  const onPointerUp = (e: PointerEvent) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    const { x, y } = local(e);
    const p = cellAt(vp.current, x, y, nr, nc);
    if (p) {
      setActive(p);
      over.current?.focus();
      announceCell(p);
    }
  };
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const { x, y } = local(e);
    zoom(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002)), x, y);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    // biome-ignore format: one key per line reads as a table
    switch (e.key) {
      case '+': case '=': e.preventDefault(); zoomAround(1.5); return;
      case '-': case '_': e.preventDefault(); zoomAround(1 / 1.5); return;
      case '0': e.preventDefault(); setView(fitView(nr, nc, plotW, plotH)); return;
    }
    const to = gridStep(e, { r: ar, c: ac }, nr, nc, PAGE);
    if (!to) return;
    e.preventDefault();
    const r = Math.max(0, Math.min(nr - 1, to.r));
    const c = Math.max(0, Math.min(nc - 1, to.c));
    setActive({ r, c });
    announceCell({ r, c });
    const v = ensureVisible(vp.current, r, c, plotW, plotH);
    if (v.ox !== vp.current.ox || v.oy !== vp.current.oy) setView(v);
  };
  const zoomAround = (f: number) => {
    const v = vp.current;
    zoom(f, v.ox + (ac + 0.5) * v.size, v.oy + (ar + 0.5) * v.size);
  };

  const shown = hover ?? (focused ? { r: ar, c: ac } : null);
  const d = shown && describe(shown);
  const fitted = fitView(nr, nc, plotW, plotH).size;
  return (
    <div class="matrix canvas-matrix" ref={wrap}>
      <p class="readout" aria-hidden="true">
        {d ? (
          <>
            <span class="tok">{d.row}</span> → <span class="tok">{d.col}</span>: <b>{d.value}</b>
          </>
        ) : (
          <span class="hint">
            Hover or focus the matrix to read a weight; wheel or +/− to zoom, drag to pan.
          </span>
        )}
      </p>
      <ZoomBar
        onZoom={(f) => zoom(f)}
        onReset={() => setView(fitView(nr, nc, plotW, plotH))}
        level={`${Math.round((vp.current.size / fitted) * 100)}%`}
      />
      <div class="stage">
        <canvas ref={base} />
        {/* biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: one focusable canvas standing for the whole grid; keys are handled here */}
        <canvas
          ref={over}
          class="over"
          tabIndex={0}
          role="application"
          aria-roledescription="attention matrix"
          aria-label={`${caption}. ${nr} by ${nc} cells; arrow keys move, plus and minus zoom.`}
          onPointerMove={onPointerMove}
          onPointerDown={onPointerDown}
          onPointerUp={onPointerUp}
          onPointerLeave={() => {
            hoverRef.current = null;
            drawOverlay();
            setHover(null);
          }}
          onWheel={onWheel}
          onKeyDown={onKeyDown}
          onFocus={() => {
            setFocused(true);
            announceCell({ r: ar, c: ac });
          }}
          onBlur={() => setFocused(false)}
        />
      </div>
      <Legend max={max} label={legend} />
      <p class="sr-only" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}

/** Weights of long inputs are often under 0.001: give those two significant digits instead of "0". */
const formatPrecise = (v: number) => (v > 0 && v < 0.0005 ? v.toPrecision(2) : formatWeight(v));

const clip = (s: string) => (s.length > 14 ? `${s.slice(0, 13)}…` : s);

/** Index tick spacing so labels are at least ~28 px apart. */
function tickStep(size: number): number {
  const raw = 28 / size;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
}
