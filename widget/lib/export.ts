/**
 * Export of the current view as SVG (real <rect>/<line>/<text> elements) or PNG (the same scene
 * painted on a canvas at twice the size). Loaded with import() when an export is asked for, so
 * none of this is in the base ES bundle.
 */
import { blockMax, readTheme, type Theme } from './canvas.js';
import { hex, type RGB, unpack } from './palette.js';
import { pct, probeChart } from './probe.js';
import { MONO, type Prim, SANS, type Scene, sceneToSvg } from './scene.js';
import type {
  ExportFormat,
  LinesSnapshot,
  MatrixSnapshot,
  ModelSnapshot,
  ProbeSnapshot,
  SaliencySnapshot,
  Snapshot,
} from './snapshot.js';

/** Past this many cells per side a matrix export is block-max pooled: an SVG of a million rects helps nobody. */
export const MAX_SVG_CELLS = 256;

const PAD = 16;

/** `themeFrom`: an element inside the widget's shadow root, for views that did not resolve colours. */
export async function exportSnapshot(s: Snapshot, format: ExportFormat, themeFrom?: Element): Promise<Blob> {
  const theme = s.theme ?? (themeFrom ? readTheme(themeFrom) : undefined);
  if (!theme) throw new Error('No colours to export with.');
  const scene = buildScene({ ...s, theme } as Themed);
  if (format === 'svg') return new Blob([sceneToSvg(scene)], { type: 'image/svg+xml' });
  return scenePng(scene, 2);
}

type Themed = Snapshot & { theme: Theme };

export function buildScene(s: Themed): Scene {
  const body = (() => {
    switch (s.kind) {
      case 'matrix':
        return matrixScene(s);
      case 'model':
        return modelScene(s);
      case 'lines':
        return linesScene(s);
      case 'saliency':
        return saliencyScene(s);
      case 'probe':
        return probeScene(s);
    }
  })();
  const fg = hex(s.theme.fg);
  const muted = hex(s.theme.muted);
  const prims: Prim[] = [{ t: 'text', x: PAD, y: PAD + 12, text: s.title, size: 13, fill: fg, bold: true }];
  const top = PAD + 24;
  for (const p of body.prims) prims.push(shift(p, PAD, top));
  let height = top + body.height + PAD;
  const notes = [...(s.note ? [s.note] : []), ...(s.details ?? [])];
  for (const note of notes) {
    prims.push({ t: 'text', x: PAD, y: height + 2, text: note, size: 11, fill: muted });
    height += 20;
  }
  const width = Math.max(
    body.width + 2 * PAD,
    measure(s.title, 13, false, true) + 2 * PAD,
    ...notes.map((n) => measure(n, 11) + 2 * PAD),
  );
  return { width, height, background: hex(s.theme.bg), title: s.title, prims };
}

function shift(p: Prim, dx: number, dy: number): Prim {
  if (p.t === 'line') return { ...p, x1: p.x1 + dx, x2: p.x2 + dx, y1: p.y1 + dy, y2: p.y2 + dy };
  return { ...p, x: p.x + dx, y: p.y + dy };
}

let measurer: CanvasRenderingContext2D | null = null;
/** Text width for layout (a canvas when there is one, an estimate otherwise). */
function measure(text: string, size: number, mono = false, bold = false): number {
  if (typeof document !== 'undefined') {
    measurer ??= document.createElement('canvas').getContext('2d');
    if (measurer) {
      measurer.font = `${bold ? '600 ' : ''}${size}px ${mono ? MONO : SANS}`;
      return measurer.measureText(text).width;
    }
  }
  return text.length * size * 0.6;
}

interface Body {
  width: number;
  height: number;
  prims: Prim[];
}

const colorOf = (lut: Uint32Array, t: number): string =>
  hex(unpack(lut[Math.max(0, Math.min(lut.length - 1, Math.round(t * (lut.length - 1))))]));

function legend(lut: Uint32Array, max: number, x: number, y: number, fg: string): Prim[] {
  const out: Prim[] = [];
  const steps = 16;
  for (let i = 0; i < steps; i++)
    out.push({ t: 'rect', x: x + i * 10, y, w: 10, h: 10, fill: colorOf(lut, i / (steps - 1)) });
  out.push({ t: 'text', x, y: y + 22, text: '0', size: 10, fill: fg });
  out.push({ t: 'text', x: x + steps * 10, y: y + 22, text: fmt(max), size: 10, fill: fg, anchor: 'end' });
  return out;
}

const fmt = (v: number) => String(Number(v.toFixed(3)));

function matrixScene(s: MatrixSnapshot & { theme: Theme }): Body {
  const { r0, r1, c0, c1 } = s.window;
  const nr = r1 - r0;
  const nc = c1 - c0;
  const fg = hex(s.theme.fg);
  // Window values, pooled when larger than the SVG cap.
  const or = Math.min(nr, MAX_SVG_CELLS);
  const oc = Math.min(nc, MAX_SVG_CELLS);
  const win = new Float32Array(nr * nc);
  const total = s.cols.length;
  for (let r = 0; r < nr; r++)
    win.set(s.values.subarray((r0 + r) * total + c0, (r0 + r) * total + c1), r * nc);
  const cells = or === nr && oc === nc ? win : blockMax(win, nr, nc, or, oc);
  const labelled = or === nr && oc === nc && Math.max(nr, nc) <= 128;
  const cell = Math.max(2, Math.min(24, Math.floor(640 / Math.max(or, oc))));
  const left = labelled
    ? Math.min(140, Math.max(...s.rows.slice(r0, r1).map((t) => measure(t, 10, true)))) + 8
    : 0;
  const top = labelled
    ? Math.min(140, Math.max(...s.cols.slice(c0, c1).map((t) => measure(t, 10, true)))) + 8
    : 0;
  const prims: Prim[] = [];
  for (let r = 0; r < or; r++)
    for (let c = 0; c < oc; c++)
      prims.push({
        t: 'rect',
        x: left + c * cell,
        y: top + r * cell,
        w: cell,
        h: cell,
        fill: colorOf(s.theme.lut, Math.min(1, cells[r * oc + c] / s.max)),
      });
  if (labelled) {
    const fs = Math.min(10, cell - 1);
    for (let r = 0; r < nr; r++)
      prims.push({
        t: 'text',
        x: left - 4,
        y: top + r * cell + cell / 2 + fs / 3,
        text: s.rows[r0 + r],
        size: fs,
        fill: fg,
        anchor: 'end',
        mono: true,
      });
    for (let c = 0; c < nc; c++) {
      const x = left + c * cell + cell / 2 + fs / 3;
      prims.push({
        t: 'text',
        x,
        y: top - 4,
        text: s.cols[c0 + c],
        size: fs,
        fill: fg,
        rotate: -90,
        mono: true,
      });
    }
  }
  const h = top + or * cell;
  prims.push(...legend(s.theme.lut, s.max, left, h + 10, fg));
  return { width: left + oc * cell, height: h + 36, prims };
}

function modelScene(s: ModelSnapshot & { theme: Theme }): Body {
  const fg = hex(s.theme.fg);
  const border = hex(s.theme.border);
  const t = 72;
  const gap = 8;
  const left = 60;
  const top = 18;
  const prims: Prim[] = [];
  s.colLabels.forEach((l, c) => {
    prims.push({
      t: 'text',
      x: left + c * (t + gap) + t / 2,
      y: 12,
      text: l,
      size: 11,
      fill: fg,
      anchor: 'middle',
    });
  });
  s.rowLabels.forEach((l, r) => {
    const y = top + r * (t + gap);
    prims.push({ t: 'text', x: left - 6, y: y + t / 2 + 4, text: l, size: 11, fill: fg, anchor: 'end' });
    s.thumbs[r].forEach((th, c) => {
      const x = left + c * (t + gap);
      prims.push({ t: 'rect', x: x - 0.5, y: y - 0.5, w: t + 1, h: t + 1, fill: 'none', stroke: border });
      if (!th) return;
      // Vector thumbnails are pooled to at most 24×24 blocks (a few hundred rects each).
      const kr = Math.min(th.rows, 24);
      const kc = Math.min(th.cols, 24);
      const b = kr === th.rows && kc === th.cols ? th.block : blockMax(th.block, th.rows, th.cols, kr, kc);
      const pw = t / kc;
      const ph = t / kr;
      for (let i = 0; i < kr; i++)
        for (let j = 0; j < kc; j++)
          prims.push({
            t: 'rect',
            x: x + j * pw,
            y: y + i * ph,
            w: pw,
            h: ph,
            fill: colorOf(s.theme.lut, Math.min(1, b[i * kc + j] / th.max)),
          });
    });
  });
  return {
    width: left + s.colLabels.length * (t + gap),
    height: top + s.rowLabels.length * (t + gap),
    prims,
  };
}

function linesScene(s: LinesSnapshot & { theme: Theme }): Body {
  const fg = hex(s.theme.fg);
  const accent = hex(s.theme.accent);
  const row = 16;
  const lw = Math.min(160, Math.max(40, ...s.left.map((t) => measure(t, 11, true)))) + 6;
  const rw = Math.min(160, Math.max(40, ...s.right.map((t) => measure(t, 11, true)))) + 6;
  const gapW = 180;
  const top = 20;
  const xl = lw;
  const xr = lw + gapW;
  const y = (i: number) => top + i * row + row / 2;
  const prims: Prim[] = [
    { t: 'text', x: xl - 4, y: 12, text: s.leftTitle, size: 11, fill: fg, anchor: 'end', bold: true },
    { t: 'text', x: xr + 4, y: 12, text: s.rightTitle, size: 11, fill: fg, bold: true },
  ];
  for (const l of s.links) {
    if (l.w < 0.01) continue;
    prims.push({
      t: 'line',
      x1: xl,
      y1: y(l.i),
      x2: xr,
      y2: y(l.j),
      stroke: l.color,
      width: 0.5 + 2.5 * l.w,
      opacity: Math.min(1, l.w),
    });
  }
  for (const [i, j] of s.marked ?? [])
    prims.push({ t: 'line', x1: xl, y1: y(i), x2: xr, y2: y(j), stroke: accent, width: 2, dash: [5, 3] });
  s.left.forEach((t, i) => {
    prims.push({ t: 'text', x: xl - 4, y: y(i) + 4, text: t, size: 11, fill: fg, anchor: 'end', mono: true });
  });
  s.right.forEach((t, j) => {
    prims.push({ t: 'text', x: xr + 4, y: y(j) + 4, text: t, size: 11, fill: fg, mono: true });
  });
  // Legend: a swatch per colour drawn (one per head when several heads share the figure).
  const h = top + Math.max(s.left.length, s.right.length) * row;
  const colours =
    s.legend ?? [...new Set(s.links.map((l) => l.color))].map((c) => ({ color: c, name: 'attention' }));
  let lx = 0;
  for (const c of colours) {
    prims.push({ t: 'rect', x: lx, y: h + 10, w: 10, h: 10, fill: c.color, rx: 2 });
    prims.push({ t: 'text', x: lx + 14, y: h + 19, text: c.name, size: 10, fill: fg });
    lx += 24 + measure(c.name, 10);
  }
  if (s.marked?.length) {
    prims.push({
      t: 'line',
      x1: lx,
      y1: h + 15,
      x2: lx + 16,
      y2: h + 15,
      stroke: accent,
      width: 2,
      dash: [5, 3],
    });
    prims.push({ t: 'text', x: lx + 20, y: h + 19, text: 'argmax alignment', size: 10, fill: fg });
  }
  return { width: xr + rw, height: h + 26, prims };
}

function saliencyScene(s: SaliencySnapshot & { theme: Theme }): Body {
  const { bg, fg, low, high, neg, pos } = s.theme;
  const mixTo = (a: RGB, b: RGB, t: number): RGB =>
    [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * t)) as RGB;
  const width = 640;
  const lineH = 22;
  const prims: Prim[] = [];
  let x = 0;
  let y = 0;
  for (const tok of s.tokens) {
    const text = tok.text;
    const w = measure(text, 12, true) + 8;
    if (x + w > width && x > 0) {
      x = 0;
      y += lineH;
    }
    const a = Math.abs(tok.t);
    const fill = s.signed ? mixTo(bg, tok.t < 0 ? neg : pos, a) : mixTo(low, high, a);
    prims.push({ t: 'rect', x, y, w: w - 2, h: lineH - 4, fill: hex(fill), rx: 3 });
    prims.push({
      t: 'text',
      x: x + 3,
      y: y + 13,
      text,
      size: 12,
      fill: hex(a > 0.55 ? bg : tok.special ? s.theme.muted : fg),
      mono: true,
    });
    x += w;
  }
  return { width, height: y + lineH, prims };
}

/** The probe chart as the view draws it: CI whiskers stand in for the band (scenes have no polygons). */
function probeScene(s: ProbeSnapshot & { theme: Theme }): Body {
  const fg = hex(s.theme.fg);
  const muted = hex(s.theme.muted);
  const accent = hex(s.theme.accent);
  const border = hex(s.theme.border);
  const d = s.data;
  const ch = probeChart(d);
  const { plot } = ch;
  const prims: Prim[] = [];
  for (const t of ch.ticks) {
    prims.push({ t: 'line', x1: plot.x0, x2: plot.x1, y1: ch.y(t), y2: ch.y(t), stroke: border, width: 1 });
    prims.push({
      t: 'text',
      x: plot.x0 - 6,
      y: ch.y(t) + 4,
      text: `${Math.round(t * 100)}%`,
      size: 10,
      fill: muted,
      anchor: 'end',
    });
  }
  if (d.baseline) {
    const y = ch.y(d.baseline.accuracy);
    prims.push({ t: 'line', x1: plot.x0, x2: plot.x1, y1: y, y2: y, stroke: fg, width: 1, dash: [2, 3] });
  }
  const rows = d.layers;
  rows.forEach((r, i) => {
    const x = ch.x(i);
    if (i > 0) {
      const px = ch.x(i - 1);
      const p = rows[i - 1];
      const ctl = { stroke: muted, width: 1.5, dash: [5, 3] };
      prims.push({ t: 'line', x1: px, x2: x, y1: ch.y(p.control), y2: ch.y(r.control), ...ctl });
      prims.push({
        t: 'line',
        x1: px,
        x2: x,
        y1: ch.y(p.accuracy),
        y2: ch.y(r.accuracy),
        stroke: accent,
        width: 2,
      });
    }
    prims.push({
      t: 'line',
      x1: x,
      x2: x,
      y1: ch.y(r.ci[0]),
      y2: ch.y(r.ci[1]),
      stroke: accent,
      width: 6,
      opacity: 0.3,
    });
    prims.push({
      t: 'line',
      x1: x,
      x2: x,
      y1: ch.y(r.controlCi[0]),
      y2: ch.y(r.controlCi[1]),
      stroke: muted,
      width: 1,
    });
    prims.push({
      t: 'rect',
      x: x - 3,
      y: ch.y(r.control) - 3,
      w: 6,
      h: 6,
      fill: hex(s.theme.bg),
      stroke: muted,
      rx: 3,
    });
    prims.push({ t: 'rect', x: x - 4, y: ch.y(r.accuracy) - 4, w: 8, h: 8, fill: accent, rx: 4 });
    prims.push({
      t: 'text',
      x,
      y: plot.y1 + 16,
      text: String(r.layer),
      size: 10,
      fill: muted,
      anchor: 'middle',
    });
  });
  const mid = (plot.x0 + plot.x1) / 2;
  prims.push({
    t: 'text',
    x: mid,
    y: ch.height - 2,
    text: 'layer (0 = embeddings)',
    size: 10,
    fill: muted,
    anchor: 'middle',
  });
  // Legend under the axis title.
  const ly = ch.height + 14;
  let lx = plot.x0;
  const key = (mark: Prim[], name: string) => {
    prims.push(...mark, { t: 'text', x: lx + 22, y: ly + 4, text: name, size: 10, fill: fg });
    lx += 32 + measure(name, 10);
  };
  key(
    [{ t: 'line', x1: lx, x2: lx + 18, y1: ly, y2: ly, stroke: accent, width: 2 }],
    'probe accuracy (95% CI)',
  );
  key(
    [{ t: 'line', x1: lx, x2: lx + 18, y1: ly, y2: ly, stroke: muted, width: 1.5, dash: [5, 3] }],
    'control task',
  );
  if (d.baseline)
    key(
      [{ t: 'line', x1: lx, x2: lx + 18, y1: ly, y2: ly, stroke: fg, width: 1, dash: [2, 3] }],
      `majority baseline ${pct(d.baseline.accuracy)}`,
    );
  // The numbers, one line per layer, so the figure stands alone.
  let ty = ly + 24;
  let tw = 0;
  for (const r of rows) {
    const text = `layer ${r.layer}: ${pct(r.accuracy)} (${pct(r.ci[0])}–${pct(r.ci[1])}), control ${pct(r.control)}, selectivity ${(100 * r.selectivity).toFixed(1)} pts`;
    prims.push({ t: 'text', x: 0, y: ty, text, size: 10, fill: fg, mono: true });
    tw = Math.max(tw, measure(text, 10, true));
    ty += 14;
  }
  return { width: Math.max(ch.width, lx, tw), height: ty, prims };
}

/** Paints a scene on a canvas `scale` times its size and encodes it as PNG. */
export async function scenePng(s: Scene, scale = 2): Promise<Blob> {
  const c = document.createElement('canvas');
  c.width = Math.ceil(s.width * scale);
  c.height = Math.ceil(s.height * scale);
  const ctx = c.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = s.background;
  ctx.fillRect(0, 0, s.width, s.height);
  for (const p of s.prims) {
    if (p.t === 'rect') {
      if (p.fill !== 'none') {
        ctx.fillStyle = p.fill;
        if (p.rx) {
          ctx.beginPath();
          ctx.roundRect(p.x, p.y, p.w, p.h, p.rx);
          ctx.fill();
        } else ctx.fillRect(p.x, p.y, p.w, p.h);
      }
      if (p.stroke) {
        ctx.strokeStyle = p.stroke;
        ctx.lineWidth = 1;
        ctx.strokeRect(p.x, p.y, p.w, p.h);
      }
    } else if (p.t === 'line') {
      ctx.globalAlpha = p.opacity ?? 1;
      ctx.strokeStyle = p.stroke;
      ctx.lineWidth = p.width;
      ctx.setLineDash(p.dash ?? []);
      ctx.beginPath();
      ctx.moveTo(p.x1, p.y1);
      ctx.lineTo(p.x2, p.y2);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    } else {
      ctx.save();
      ctx.fillStyle = p.fill;
      ctx.font = `${p.bold ? '600 ' : ''}${p.size}px ${p.mono ? MONO : SANS}`;
      ctx.textAlign = p.anchor === 'middle' ? 'center' : p.anchor === 'end' ? 'right' : 'left';
      ctx.translate(p.x, p.y);
      if (p.rotate) ctx.rotate((p.rotate * Math.PI) / 180);
      ctx.fillText(p.text, 0, 0);
      ctx.restore();
    }
  }
  return new Promise((resolve, reject) =>
    c.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}
