/**
 * The attention matrix for large inputs: one canvas for the heat (one pixel per cell in an
 * offscreen bitmap, drawn scaled without smoothing, so a 1,024² matrix is a single drawImage) and
 * one overlay canvas on top for hover and focus marks, which is all a hover repaints.
 *
 * The overlay is the single focusable element: arrows, PageUp/Down, Home/End move a highlighted
 * cell (announced in a polite live region, like the DOM grid), + / − zoom, 0 fits. The wheel zooms
 * about the pointer in bounded steps (a non-passive listener, so the page does not scroll under it),
 * dragging pans, and the buttons do both too. For long texts: token labels thinned by zoom level
 * (axis-labels.ts), a choice of colour scale (scale.ts, named in the legend above the plot), a
 * minimap of the whole matrix while zoomed, and a token search that jumps to a token's row and column.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Legend } from '../legend.js';
import { reannounce } from '../lib/announce.js';
import { LABEL_FONT, labelIndices, labelStep } from '../lib/axis-labels.js';
import { heatBitmap, rgb, sizeCanvas, type Theme } from '../lib/canvas.js';
import { gridStep } from '../lib/keys.js';
import { formatPrecise, SCALES, type ScaleMode, scaleValues } from '../lib/scale.js';
import type { SnapshotSlot } from '../lib/snapshot.js';
import type { Labels } from '../lib/tokens.js';
import {
  cellAt,
  centreOn,
  clampView,
  ensureVisible,
  fitView,
  type Viewport,
  visibleRange,
  wheelFactor,
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
  /** the page fixed the scale's top (scale-max): draw it linearly */
  fixedMax?: boolean;
}

interface Pos {
  r: number;
  c: number;
}

/** Gutters for token labels (or index ticks when cells are too small to label). */
const LEFT = 84;
const TOP = 64;
const PAGE = 16;
/** Cells this tall get a label each in a font that grows with them (up to 12 px). */
const LABEL_FROM = 9;
/** The minimap's longer side, CSS pixels. */
const MINI = 120;
/** A search jump zooms in to at least this cell size, so the found token's label shows. */
const FOUND_SIZE = 14;

export const CanvasMatrix = withTheme(CanvasMatrixInner, canvasMatrixCss);

function CanvasMatrixInner({ values, labels, max, caption, title, legend, theme, snap, fixedMax }: Props) {
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
  const mini = useRef<HTMLCanvasElement>(null);
  const [scaleMode, setScaleMode] = useState<ScaleMode>(fixedMax ? 'linear' : 'row');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ r: number; c: number; k: number; n: number } | null>(null);

  const scaled = useMemo(() => scaleValues(values, nr, nc, scaleMode, max), [values, nr, nc, scaleMode, max]);
  const bitmap = useMemo(() => heatBitmap(scaled.t, nr, nc, 1, theme.lut), [scaled, theme, nr, nc]);

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
      values: scaled.t,
      rows: labels.rows,
      cols: labels.cols,
      max: 1,
      window: { r0, r1, c0, c1 },
      title,
      note: scaled.description,
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
    // Token labels, thinned to every step-th token where cells are smaller than the text.
    const [c0, c1] = visibleRange(v.ox, v.size, nc, plotW);
    const [r0, r1] = visibleRange(v.oy, v.size, nr, plotH);
    const rows = labelIndices(r0, r1, v.size);
    const cols = labelIndices(c0, c1, v.size);
    const step = labelStep(v.size);
    const fs = step === 1 && v.size >= LABEL_FROM ? Math.min(12, v.size - 1) : LABEL_FONT;
    const text = (t: string, i: number) => (step === 1 ? clip(t) : clip(`${i} ${t}`));
    ctx.font = `${fs}px ui-monospace, Menlo, Consolas, monospace`;
    ctx.fillStyle = rgb(theme.fg);
    ctx.strokeStyle = rgb(theme.muted);
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.beginPath();
    for (const r of rows) {
      const y = TOP + v.oy + (r + 0.5) * v.size;
      ctx.fillText(text(labels.rows[r], r), LEFT - 6, y, LEFT - 8);
      if (step > 1) {
        ctx.moveTo(LEFT - 4, Math.round(y) + 0.5);
        ctx.lineTo(LEFT, Math.round(y) + 0.5);
      }
    }
    ctx.save();
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'left';
    for (const c of cols) {
      const x = LEFT + v.ox + (c + 0.5) * v.size;
      ctx.fillText(text(labels.cols[c], c), -(TOP - 6), x, TOP - 8);
      if (step > 1) {
        ctx.moveTo(-(TOP - 4), Math.round(x) + 0.5);
        ctx.lineTo(-TOP, Math.round(x) + 0.5);
      }
    }
    ctx.restore();
    ctx.stroke();
    ctx.fillStyle = rgb(theme.muted);
    ctx.font = `${LABEL_FONT}px system-ui, sans-serif`;
    ctx.textAlign = 'left';
    ctx.fillText('key →', 4, 10);
    ctx.fillText('query ↓', 4, TOP - 8);
    // What the axes show, for tests and tools reading the canvas.
    c.dataset.rowLabels = rows.join(',');
    c.dataset.colLabels = cols.join(',');
    c.dataset.labelStep = String(step);
    drawMini();
  }

  /** The whole matrix small, with the visible window outlined; only while zoomed. */
  function drawMini() {
    const m = mini.current;
    if (!m) return;
    const v = vp.current;
    const k = MINI / Math.max(nr, nc);
    const w = Math.max(8, Math.round(nc * k));
    const h = Math.max(8, Math.round(nr * k));
    const ctx = sizeCanvas(m, w, h);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(bitmap, 0, 0, w, h);
    const [c0, c1] = visibleRange(v.ox, v.size, nc, plotW);
    const [r0, r1] = visibleRange(v.oy, v.size, nr, plotH);
    ctx.lineWidth = 2;
    ctx.strokeStyle = rgb(theme.bg);
    ctx.strokeRect(c0 * k, r0 * k, (c1 - c0) * k, (r1 - r0) * k);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = rgb(theme.accent);
    ctx.strokeRect(c0 * k, r0 * k, (c1 - c0) * k, (r1 - r0) * k);
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
    if (found) {
      // The searched token's row and column, banded in the accent colour.
      ctx.fillStyle = rgb(theme.accent, 0.35);
      ctx.fillRect(LEFT, y(found.r), plotW, Math.max(v.size, 2));
      ctx.fillRect(x(found.c), TOP, Math.max(v.size, 2), plotH);
    }
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
  // The wheel zooms only over the plot, and there it must not scroll the page: a non-passive
  // listener (Preact's onWheel leaves passivity to the browser) that prevents the default.
  const wheel = useRef<(e: WheelEvent) => void>(() => {});
  useEffect(() => {
    const el = over.current!;
    const h = (e: WheelEvent) => wheel.current(e);
    el.addEventListener('wheel', h, { passive: false });
    return () => el.removeEventListener('wheel', h);
  }, []);

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
  wheel.current = (e: WheelEvent) => {
    const { x, y } = local(e);
    if (x < 0 || y < 0 || x >= plotW || y >= plotH) return;
    e.preventDefault();
    // A trackpad's sideways swipe pans; vertical deltas (and pinches, ctrl+wheel) zoom at the pointer.
    if (!e.ctrlKey && Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      setView({ ...vp.current, ox: vp.current.ox - e.deltaX });
      return;
    }
    if (e.deltaY) zoom(wheelFactor(e.deltaY, e.deltaMode, e.ctrlKey), x, y);
  };
  /** Minimap click or drag: centre the view on the point. */
  const onMini = (e: PointerEvent) => {
    if (e.type === 'pointermove' && !(e.buttons & 1)) return;
    const m = e.currentTarget as HTMLCanvasElement;
    if (e.type === 'pointerdown') m.setPointerCapture?.(e.pointerId);
    const b = m.getBoundingClientRect();
    const c = Math.floor(((e.clientX - b.left) / b.width) * nc);
    const r = Math.floor(((e.clientY - b.top) / b.height) * nr);
    setView(centreOn(vp.current, r, c, plotW, plotH));
  };
  /** Finds the next (or previous) row token containing the query, from the current match on. */
  const search = (back: boolean) => {
    const q = query.trim().toLowerCase();
    if (!q) {
      setFound(null);
      return;
    }
    const hits: number[] = [];
    labels.rows.forEach((t, i) => {
      if (t.toLowerCase().includes(q)) hits.push(i);
    });
    const colHit = (r: number) => {
      if (nr === nc && labels.cols[r] === labels.rows[r]) return r;
      const j = labels.cols.findIndex((t) => t.toLowerCase().includes(q));
      return j < 0 ? ac : j;
    };
    if (!hits.length) {
      setFound(null);
      setAnnounce(reannounce(`No token contains “${query.trim()}”`));
      return;
    }
    const prev = found ? hits.indexOf(found.r) : -1;
    const k = prev < 0 ? 0 : (prev + (back ? hits.length - 1 : 1)) % hits.length;
    const r = hits[k];
    const c = colHit(r);
    setFound({ r, c, k, n: hits.length });
    setActive({ r, c });
    const v = vp.current;
    const size = Math.max(v.size, FOUND_SIZE);
    setView(centreOn({ ...v, size }, r, c, plotW, plotH));
    setAnnounce(reannounce(`${labels.rows[r]}: match ${k + 1} of ${hits.length}, row ${r}, column ${c}`));
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
  const zoomed = vp.current.size > fitted * 1.001;
  const legendEl = <Legend max={max} label={legend} scale={scaled} />;
  return (
    <div class="matrix canvas-matrix" ref={wrap}>
      <p class="readout" aria-hidden="true">
        {d ? (
          <>
            <span class="tok">{d.row}</span> → <span class="tok">{d.col}</span>: <b>{d.value}</b>
          </>
        ) : (
          <span class="hint">
            Hover or focus the matrix to read a weight; wheel or +/− to zoom, drag to pan, find a token by
            name.
          </span>
        )}
      </p>
      <div class="bar tools">
        <ZoomBar
          onZoom={(f) => zoom(f)}
          onReset={() => setView(fitView(nr, nc, plotW, plotH))}
          level={`${Math.round((vp.current.size / fitted) * 100)}%`}
        />
        <label class="label">
          Colour scale{' '}
          <select
            name="scale"
            value={scaleMode}
            onChange={(e) => setScaleMode((e.currentTarget as HTMLSelectElement).value as ScaleMode)}
          >
            {SCALES.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
        <form
          class="find"
          onSubmit={(e) => {
            e.preventDefault();
            search(false);
          }}
        >
          <label class="label">
            Find token{' '}
            <input
              type="search"
              name="find"
              value={query}
              size={12}
              onInput={(e) => {
                setQuery((e.currentTarget as HTMLInputElement).value);
                setFound(null);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && e.shiftKey) {
                  e.preventDefault();
                  search(true);
                }
              }}
            />
          </label>
          <button type="submit">Find</button>
          {found && (
            <span class="label found">
              {found.k + 1} of {found.n}: row {found.r}, column {found.c}
            </span>
          )}
        </form>
      </div>
      {legendEl}
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
          onKeyDown={onKeyDown}
          onFocus={() => {
            setFocused(true);
            announceCell({ r: ar, c: ac });
          }}
          onBlur={() => setFocused(false)}
        />
        {zoomed && (
          <canvas
            ref={mini}
            class="mini"
            title="Overview: click or drag to move the view"
            style={`left:${LEFT + plotW - Math.round((nc * MINI) / Math.max(nr, nc)) - 8}px;top:${TOP + 8}px`}
            onPointerDown={onMini}
            onPointerMove={onMini}
          />
        )}
      </div>
      <p class="sr-only" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}

const clip = (s: string) => (s.length > 14 ? `${s.slice(0, 13)}…` : s);
