/**
 * Two columns of tokens joined by lines (bertviz's head view), shared by the lines and alignment
 * views. Lines go on one canvas between the columns, batched by colour and opacity bucket so a few
 * thousand lines are a few dozen strokes. Hovering or focusing a token isolates its lines; tokens
 * are a roving-tabindex list (Up/Down within a column, Left/Right across, Escape clears).
 * The canvas takes the width the token columns leave; long texts scroll, the canvas staying on
 * screen (sticky) and drawing the window scrolled to, and a threshold and a limit (line-set.ts)
 * choose which lines are drawn.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { reannounce } from '../lib/announce.js';
import { rgb, sizeCanvas, type Theme } from '../lib/canvas.js';
import { formatWeight } from '../lib/color.js';
import { type LineFilter, type LineSet, lineSet, tokenLines } from '../lib/line-set.js';
import type { LinesSnapshot, SnapshotSlot } from '../lib/snapshot.js';

export interface LineLayer {
  /** rows = left tokens, cols = right tokens */
  values: Float32Array;
  color: string;
  /** what the readout calls this layer ("head 2"), when several are drawn */
  name?: string;
}

export interface ColumnsProps {
  left: string[];
  right: string[];
  leftSpecial: boolean[];
  rightSpecial: boolean[];
  leftTitle: string;
  rightTitle: string;
  layers: LineLayer[];
  max: number;
  /** links drawn as marks on top, [left, right] (the argmax alignment) */
  marked?: [number, number][];
  theme: Theme;
  snap: SnapshotSlot;
  title: string;
  note?: string;
  label: string;
  /** which lines are drawn (default: those at least MIN_W of the scale) */
  filter?: LineFilter;
}

const ROW = 18;
/** The least width of the lines between the columns. */
const MIN_GAP = 160;
/** Lines under this fraction of the scale are not drawn (they would be invisible anyway). */
export const MIN_W = 0.02;
const BUCKETS = 12;

type Side = 'l' | 'r';

export function Columns(p: ColumnsProps) {
  const { left, right, layers, max, theme } = p;
  const nl = left.length;
  const nr = right.length;
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<{ side: Side; i: number }>({ side: 'l', i: 0 });
  const [hover, setHover] = useState<{ side: Side; i: number } | null>(null);
  const [focused, setFocused] = useState(false);
  const [announce, setAnnounce] = useState('');
  const move = useRef(false);
  const mid = useRef<HTMLDivElement>(null);
  const [box2, setBox2] = useState({ w: MIN_GAP, h: 0 });
  const [scrollTop, setScrollTop] = useState(0);
  const sel = hover ?? (focused ? active : null);
  const height = Math.max(nl, nr) * ROW;
  const filter = p.filter ?? { threshold: MIN_W };
  const all = useMemo(
    () => lineSet(layers, nl, nr, max, filter),
    [layers, nl, nr, max, filter.threshold, filter.limit],
  );
  const shown: LineSet = sel ? tokenLines(layers, nl, nr, max, filter.threshold, sel.side, sel.i) : all;

  // The canvas's width is what the columns leave; its height the scroll box's (at most the list's).
  useLayoutEffect(() => {
    const m = mid.current!;
    const b = box.current!;
    const measure = () => setBox2({ w: Math.max(MIN_GAP, m.clientWidth), h: b.clientHeight });
    const ro = new ResizeObserver(measure);
    ro.observe(m);
    ro.observe(b);
    measure();
    return () => ro.disconnect();
  }, []);
  const GAP = box2.w;
  const canvasH = Math.max(ROW, Math.min(height, box2.h || height));
  // Sticky: the canvas sits at the list's top until scrolled past, then stays in view.
  const canvasTop = Math.max(0, Math.min(scrollTop - ROW, height - canvasH));

  p.snap.current = () => {
    const links: LinesSnapshot['links'] = [];
    for (let k = 0; k < shown.length; k++)
      links.push({ i: shown.i[k], j: shown.j[k], w: shown.w[k], color: layers[shown.layer[k]].color });
    return {
      kind: 'lines',
      left,
      right,
      leftTitle: p.leftTitle,
      rightTitle: p.rightTitle,
      links,
      marked: p.marked,
      legend: layers.map((L) => ({ color: L.color, name: L.name ?? 'attention weight' })),
      title: p.title,
      note: p.note,
      theme,
    };
  };

  useLayoutEffect(() => {
    const c = canvas.current!;
    const ctx = sizeCanvas(c, GAP, canvasH);
    ctx.clearRect(0, 0, GAP, canvasH);
    const y = (i: number) => i * ROW + ROW / 2 - canvasTop;
    ctx.lineCap = 'round';
    // Bucket lines by layer and opacity: one path and one stroke per bucket; lines wholly above or
    // below the window scrolled to are skipped.
    const paths = layers.map(() => Array.from({ length: BUCKETS }, () => new Path2D()));
    const used = layers.map(() => new Uint8Array(BUCKETS));
    for (let k = 0; k < shown.length; k++) {
      const ya = y(shown.i[k]);
      const yb = y(shown.j[k]);
      if ((ya < 0 && yb < 0) || (ya > canvasH && yb > canvasH)) continue;
      const b = Math.min(BUCKETS - 1, Math.floor(shown.w[k] * BUCKETS));
      const l = shown.layer[k];
      paths[l][b].moveTo(0, ya);
      paths[l][b].lineTo(GAP, yb);
      used[l][b] = 1;
    }
    layers.forEach((L, l) => {
      ctx.strokeStyle = L.color;
      for (let b = 0; b < BUCKETS; b++) {
        if (!used[l][b]) continue;
        const w = (b + 0.5) / BUCKETS;
        ctx.globalAlpha = Math.min(1, 0.15 + 0.85 * w);
        ctx.lineWidth = 0.6 + 2.6 * w;
        ctx.stroke(paths[l][b]);
      }
    });
    ctx.globalAlpha = 1;
    // How many lines the view draws (over the whole scroll), for tests and tools.
    c.dataset.lines = String(shown.length);
    if (p.marked?.length) {
      ctx.strokeStyle = rgb(theme.accent);
      ctx.lineWidth = 2;
      ctx.setLineDash([5, 3]);
      for (const [i, j] of p.marked) {
        if (sel && !(sel.side === 'l' ? sel.i === i : sel.i === j)) continue;
        ctx.beginPath();
        ctx.moveTo(0, y(i));
        ctx.lineTo(GAP, y(j));
        ctx.stroke();
      }
      ctx.setLineDash([]);
    }
  });

  useLayoutEffect(() => {
    if (!move.current) return;
    move.current = false;
    box.current?.querySelector<HTMLElement>(`[data-t="${active.side}${active.i}"]`)?.focus();
  });

  /** The token, its top three links with weights, for the readout and the live region. */
  const describe = (s: { side: Side; i: number }) => {
    const me = s.side === 'l' ? left[s.i] : right[s.i];
    const others = s.side === 'l' ? right : left;
    const top: { text: string; w: number }[] = [];
    for (const L of layers) {
      for (let k = 0; k < others.length; k++) {
        const v = s.side === 'l' ? L.values[s.i * nr + k] : L.values[k * nr + s.i];
        top.push({ text: `${others[k]}${L.name ? ` (${L.name})` : ''}`, w: v });
      }
    }
    top.sort((a, b) => b.w - a.w);
    return { me, top: top.slice(0, 3) };
  };
  const say = (s: { side: Side; i: number }) => {
    const d = describe(s);
    const text = `${d.me} ${s.side === 'l' ? '→' : '←'} ${d.top.map((t) => `${t.text} ${formatWeight(t.w)}`).join(', ')}`;
    setAnnounce(reannounce(text));
  };
  const onKeyDown = (e: KeyboardEvent) => {
    let { side, i } = active;
    // biome-ignore format: one key per line reads as a table
    switch (e.key) {
      case 'ArrowUp': i--; break;
      case 'ArrowDown': i++; break;
      case 'ArrowLeft': side = 'l'; break;
      case 'ArrowRight': side = 'r'; break;
      case 'Home': i = 0; break;
      case 'End': i = (side === 'l' ? nl : nr) - 1; break;
      case 'Escape': (e.target as HTMLElement).blur(); return;
      default: return;
    }
    e.preventDefault();
    i = Math.max(0, Math.min((side === 'l' ? nl : nr) - 1, i));
    move.current = true;
    setActive({ side, i });
  };
  const at = (el: EventTarget | null) => {
    const v = (el as Element | null)?.closest?.('[data-t]')?.getAttribute('data-t');
    return v ? { side: v[0] as Side, i: Number(v.slice(1)) } : null;
  };
  const d = sel && describe(sel);
  const col = (side: Side, toks: string[], special: boolean[]) => (
    <ol class={side} aria-label={side === 'l' ? p.leftTitle : p.rightTitle}>
      {toks.map((t, i) => {
        const on = sel?.side === side && sel.i === i;
        const marked = p.marked?.some(
          ([a, b]) =>
            (side === 'l' ? a : b) === i &&
            sel &&
            (sel.side === side ? sel.i === i : (sel.side === 'l' ? a : b) === sel.i),
        );
        return (
          <li
            key={i}
            data-t={`${side}${i}`}
            class={`tk${special[i] ? ' sp' : ''}${on ? ' on' : ''}${marked ? ' al' : ''}`}
            tabIndex={active.side === side && active.i === i ? 0 : -1}
            title={t}
          >
            {t}
          </li>
        );
      })}
    </ol>
  );
  return (
    <div class="lines-view">
      <p class="readout" aria-hidden="true">
        {d ? (
          <>
            <span class="tok">{d.me}</span> {sel!.side === 'l' ? '→' : '←'}{' '}
            {d.top.map((t, k) => (
              <span key={k}>
                {k > 0 && ', '}
                <span class="tok">{t.text}</span> <b>{formatWeight(t.w)}</b>
              </span>
            ))}
          </>
        ) : (
          <span class="hint">Hover or focus a token to isolate its lines.</span>
        )}
      </p>
      {/* biome-ignore lint/a11y/useSemanticElements: a keyboard-navigable composite, not a form fieldset */}
      <div
        ref={box}
        role="group"
        aria-label={p.label}
        class="cols"
        onKeyDown={onKeyDown}
        onPointerOver={(e) => setHover(at(e.target))}
        onPointerLeave={() => setHover(null)}
        onFocusCapture={(e) => {
          const s = at(e.target);
          if (!s) return;
          setFocused(true);
          setActive(s);
          say(s);
        }}
        onBlurCapture={() => setFocused(false)}
        onScroll={(e) => setScrollTop((e.currentTarget as HTMLElement).scrollTop)}
      >
        <div>
          <div class="col-title l">{p.leftTitle}</div>
          {col('l', left, p.leftSpecial)}
        </div>
        <div ref={mid} class="gap" style={`height:${height + ROW}px`}>
          <canvas ref={canvas} style={`top:0;margin-top:${ROW}px`} />
        </div>
        <div>
          <div class="col-title">{p.rightTitle}</div>
          {col('r', right, p.rightSpecial)}
        </div>
      </div>
      <p class="sr-only" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}
