/**
 * The attention matrix: query tokens (rows) × key tokens (columns) as an ARIA grid.
 * One cell is in the tab order (roving tabindex); arrows, Home/End, Ctrl+Home/End and PageUp/Down
 * move it. Focus announces the cell in a polite live region; hover and focus fill the readout.
 * Rows are memoised so moving focus or hovering re-renders two rows, not the whole grid. Used up
 * to 64 tokens a side; larger inputs get the canvas matrix (matrix-canvas.tsx). Zoom scales the
 * cells; the scroll box pans.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Legend } from '../legend.js';
import { reannounce } from '../lib/announce.js';
import { formatWeight, mixPercent, scaleT } from '../lib/color.js';
import { gridStep } from '../lib/keys.js';
import { memo } from '../lib/memo.js';
import type { SnapshotSlot } from '../lib/snapshot.js';
import type { Labels } from '../lib/tokens.js';
import { ZoomBar } from './zoom-bar.js';

interface Props {
  values: Float32Array;
  labels: Labels;
  max: number;
  caption: string;
  title: string;
  /** what the colours measure (legendLabel) */
  legend: string;
  themeKey: string;
  snap: SnapshotSlot;
}

interface Pos {
  r: number;
  c: number;
}

const PAGE = 5;

export function MatrixView({ values, labels, max, caption, title, legend, snap }: Props) {
  const nr = labels.rows.length;
  const nc = labels.cols.length;
  const [active, setActive] = useState<Pos>({ r: 0, c: 0 });
  const [hover, setHover] = useState<Pos | null>(null);
  const [focused, setFocused] = useState(false);
  const [announce, setAnnounce] = useState('');
  const [zoom, setZoom] = useState(1);
  snap.current = () => ({
    kind: 'matrix',
    values,
    rows: labels.rows,
    cols: labels.cols,
    max,
    window: { r0: 0, r1: nr, c0: 0, c1: nc },
    title,
  });
  const table = useRef<HTMLTableElement>(null);
  const focusAfterRender = useRef(false);
  // The document may have changed shape under the remembered position.
  const ar = Math.min(active.r, nr - 1);
  const ac = Math.min(active.c, nc - 1);

  const cellAt = (r: number, c: number) => table.current?.rows[r + 1]?.cells[c + 1];
  const posOf = (el: EventTarget | null): Pos | null => {
    const td = (el as Element | null)?.closest?.('td');
    if (!td || !table.current?.contains(td)) return null;
    return {
      r: (td.parentElement as HTMLTableRowElement).rowIndex - 1,
      c: (td as HTMLTableCellElement).cellIndex - 1,
    };
  };
  const describe = (p: Pos) => ({
    row: labels.rows[p.r],
    col: labels.cols[p.c],
    value: formatWeight(values[p.r * nc + p.c]),
  });

  useLayoutEffect(() => {
    if (focusAfterRender.current) {
      focusAfterRender.current = false;
      cellAt(ar, ac)?.focus();
    }
  });

  const onKeyDown = (e: KeyboardEvent) => {
    const to = gridStep(e, { r: ar, c: ac }, nr, nc, PAGE);
    if (!to) return;
    e.preventDefault();
    const r = Math.max(0, Math.min(nr - 1, to.r));
    const c = Math.max(0, Math.min(nc - 1, to.c));
    focusAfterRender.current = true;
    setActive({ r, c });
    // Same cell (at an edge): no re-render will refocus, so do it now.
    if (r === ar && c === ac) cellAt(r, c)?.focus();
  };

  const onFocus = (e: FocusEvent) => {
    const p = posOf(e.target);
    if (!p) return;
    setFocused(true);
    setActive(p);
    const d = describe(p);
    setAnnounce(reannounce(`${d.row} → ${d.col}: ${d.value}`));
  };

  const shown = hover ?? (focused ? { r: ar, c: ac } : null);
  const hl = shown ?? { r: -1, c: -1 };
  const d = shown && describe(shown);

  return (
    <div class="matrix">
      <p class="readout" aria-hidden="true">
        {d ? (
          <>
            <span class="tok">{d.row}</span> → <span class="tok">{d.col}</span>: <b>{d.value}</b>
          </>
        ) : (
          <span class="hint">Hover or focus a cell to read its weight.</span>
        )}
      </p>
      <ZoomBar
        onZoom={(f) => setZoom((z) => Math.max(0.5, Math.min(4, z * f)))}
        onReset={() => setZoom(1)}
        level={`${Math.round(zoom * 100)}%`}
      />
      <div class="scroll">
        <table
          ref={table}
          style={`--z:${zoom}`}
          // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the ARIA data-grid pattern on a table
          role="grid"
          aria-label={caption}
          onKeyDown={onKeyDown}
          onFocusCapture={onFocus}
          onBlurCapture={() => setFocused(false)}
          onPointerOver={(e) => setHover(posOf(e.target))}
          onPointerLeave={() => setHover(null)}
        >
          <thead>
            <HeaderRow cols={labels.cols} special={labels.colSpecial} hl={hl.c} />
          </thead>
          <tbody>
            {labels.rows.map((label, r) => (
              <Row
                key={r}
                r={r}
                label={label}
                special={labels.rowSpecial[r]}
                values={values}
                nc={nc}
                max={max}
                tab={r === ar ? ac : -1}
                hl={r === hl.r}
              />
            ))}
          </tbody>
        </table>
      </div>
      <Legend max={max} label={legend} />
      <p class="sr-only" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}

interface HeaderProps {
  cols: string[];
  special: boolean[];
  hl: number;
}

const HeaderRow = memo(function HeaderRow({ cols, special, hl }: HeaderProps) {
  return (
    <tr>
      <th scope="col" class="corner">
        <span aria-hidden="true">query ↓ key →</span>
        <span class="sr-only">Query token</span>
      </th>
      {cols.map((t, c) => (
        <th key={c} scope="col" class={`col${special[c] ? ' sp' : ''}${c === hl ? ' hl' : ''}`} title={t}>
          <span>{t}</span>
        </th>
      ))}
    </tr>
  );
});

interface RowProps {
  r: number;
  label: string;
  special: boolean;
  values: Float32Array;
  nc: number;
  max: number;
  /** column of the row's tab stop, -1 when the roving tab stop is in another row */
  tab: number;
  hl: boolean;
}

const Row = memo(function Row({ r, label, special, values, nc, max, tab, hl }: RowProps) {
  const cells = [];
  for (let c = 0; c < nc; c++) {
    const v = values[r * nc + c];
    cells.push(
      <td
        key={c}
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: cells of that data grid
        role="gridcell"
        class="cell"
        tabIndex={c === tab ? 0 : -1}
        aria-label={formatWeight(v)}
        style={`--w:${mixPercent(scaleT(v, max))}`}
      />,
    );
  }
  return (
    <tr>
      <th scope="row" class={`row${special ? ' sp' : ''}${hl ? ' hl' : ''}`} title={label}>
        {label}
      </th>
      {cells}
    </tr>
  );
});
