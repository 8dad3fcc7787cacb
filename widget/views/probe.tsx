/**
 * Probing results (the document's `probe` field): accuracy per layer as a small SVG chart, with its
 * 95% bootstrap CI as a band, the control task's accuracy (Hewitt & Liang) as a dashed line with
 * whiskers, and the majority-tag baseline as a horizontal line. Hovering a layer in the chart or
 * focusing its table row (one tab stop, arrows move) shows its selectivity; the table holds every
 * number the chart draws, for screen readers and for copying.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { reannounce } from '../lib/announce.js';
import type { Theme } from '../lib/canvas.js';
import { layerName, layerSummary, pct, probeChart, probeTitle, pts, readProbe } from '../lib/probe.js';
import { rovingHandlers } from '../lib/roving-list.js';
import type { SnapshotSlot } from '../lib/snapshot.js';
import type { ExplanationDocument } from '../lib/types.js';
import { withTheme } from '../use-theme.js';

interface Props {
  doc: ExplanationDocument;
  theme: Theme;
  snap: SnapshotSlot;
}

const probeCss = `.probe-chart{display:block;width:100%;max-width:34rem;height:auto;overflow:visible;font-size:11px}
.probe-chart text{fill:var(--_muted);font-variant-numeric:tabular-nums}
.probe-chart .grid{stroke:var(--_border);stroke-width:1}
.probe-chart .band{fill:color-mix(in oklab,var(--_accent) 18%,transparent)}
.probe-chart .acc{fill:none;stroke:var(--_accent);stroke-width:2}
.probe-chart .ctl{fill:none;stroke:var(--_muted);stroke-width:1.5;stroke-dasharray:5 3}
.probe-chart .whisk{stroke:var(--_muted);stroke-width:1}
.probe-chart .base{stroke:var(--_fg);stroke-width:1;stroke-dasharray:2 3}
.probe-chart .pt{fill:var(--_accent);stroke:var(--_bg);stroke-width:1.5}
.probe-chart .cpt{fill:var(--_bg);stroke:var(--_muted);stroke-width:1.5}
.probe-chart .hit{fill:transparent;cursor:default}
.probe-chart .cursor{stroke:var(--_accent);stroke-width:1;opacity:.5}
.probe-chart .on .pt{r:6}
.probe-legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.85em;color:var(--_muted);margin:.25rem 0 .5rem}
.probe-legend i{display:inline-block;width:1.4em;height:0;vertical-align:middle;margin-right:.3em;border-top:2px solid var(--_accent)}
.probe-legend .c i{border-top:2px dashed var(--_muted)}
.probe-legend .b i{border-top:1px dotted var(--_fg)}
.probe-legend .k i{height:.7em;border:0;background:color-mix(in oklab,var(--_accent) 18%,transparent)}
table.probe-table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.9em;margin-top:.25rem}
.probe-table caption{text-align:left;color:var(--_muted);font-size:.9em;padding-bottom:.2rem}
.probe-table th,.probe-table td{position:static;font-family:inherit;font-size:inherit;padding:.1rem .6rem;text-align:right;white-space:nowrap}
.probe-table th{font-weight:600}
.probe-table tbody th{font-weight:400;text-align:left}
.probe-table thead th:first-child{text-align:left}
.probe-table tbody tr{cursor:default}
.probe-table tbody tr.on{background:color-mix(in oklab,var(--_accent) 14%,var(--_bg))}
.probe-table tbody tr:focus-visible{outline:2px solid var(--_accent);outline-offset:-2px}
.probe-table tfoot td,.probe-table tfoot th{color:var(--_muted);font-weight:400;border-top:1px solid var(--_border)}
.probe-table tfoot th{text-align:left}`;

export const ProbeView = withTheme(ProbeViewInner, probeCss);

function ProbeViewInner({ doc, theme, snap }: Props) {
  const data = useMemo(() => readProbe(doc.probe), [doc]);
  const [active, setActive] = useState(0);
  const [hover, setHover] = useState<number | null>(null);
  const [focused, setFocused] = useState(false);
  const [announce, setAnnounce] = useState('');
  const body = useRef<HTMLTableSectionElement>(null);
  const move = useRef(false);

  useLayoutEffect(() => {
    if (!move.current) return;
    move.current = false;
    body.current?.querySelector<HTMLElement>(`tr[data-i="${active}"]`)?.focus();
  });

  if ('error' in data) {
    snap.current = null;
    return (
      <div class="msg error" role="alert">
        <strong>Could not show the probe:</strong> {data.error}.{' '}
        <code class="error-code">invalid_document</code>
      </div>
    );
  }
  const rows = data.layers;
  const n = rows.length;
  const a = Math.min(active, n - 1);
  const title = probeTitle(data);
  const note = data.baseline
    ? `Baseline (majority tag per word): ${pct(data.baseline.accuracy)}. Selectivity = accuracy − control accuracy.`
    : 'Selectivity = accuracy − control accuracy.';
  snap.current = () => ({ kind: 'probe', data, title, note, theme });

  const ch = probeChart(data);
  const { plot } = ch;
  const shown = hover ?? (focused ? a : null);
  const line = (v: (i: number) => number) => rows.map((_, i) => `${ch.x(i)},${v(i)}`).join(' ');
  const band =
    n > 1
      ? `${line((i) => ch.y(rows[i].ci[1]))} ${rows
          .map((_, i) => `${ch.x(n - 1 - i)},${ch.y(rows[n - 1 - i].ci[0])}`)
          .join(' ')}`
      : '';
  const slot = n > 1 ? ch.x(1) - ch.x(0) : plot.x1 - plot.x0;

  const say = (i: number) => setAnnounce(reannounce(layerSummary(rows[i])));
  const handlers = rovingHandlers({ a, n, move, setActive, setHover, setFocused, say });

  return (
    <div class="probe">
      <p class="readout" aria-hidden="true">
        {shown !== null ? (
          <>
            <b>{layerName(rows[shown].layer)}</b>: selectivity{' '}
            <b class="sel">{pts(rows[shown].selectivity)}</b> (accuracy {pct(rows[shown].accuracy)}, control{' '}
            {pct(rows[shown].control)})
          </>
        ) : (
          <span class="hint">Hover a layer or focus a table row to read its selectivity.</span>
        )}
      </p>
      <svg
        class="probe-chart"
        viewBox={`0 0 ${ch.width} ${ch.height}`}
        role="img"
        aria-label={`${title}. The table below lists the same numbers.`}
        onPointerOver={handlers.onPointerOver}
        onPointerLeave={handlers.onPointerLeave}
      >
        {ch.ticks.map((t) => (
          <g key={t}>
            <line class="grid" x1={plot.x0} x2={plot.x1} y1={ch.y(t)} y2={ch.y(t)} />
            <text x={plot.x0 - 6} y={ch.y(t) + 4} text-anchor="end">
              {Math.round(t * 100)}%
            </text>
          </g>
        ))}
        {band && <polygon class="band" points={band} />}
        {data.baseline && (
          <line
            class="base"
            x1={plot.x0}
            x2={plot.x1}
            y1={ch.y(data.baseline.accuracy)}
            y2={ch.y(data.baseline.accuracy)}
          />
        )}
        {shown !== null && (
          <line class="cursor" x1={ch.x(shown)} x2={ch.x(shown)} y1={plot.y0} y2={plot.y1} />
        )}
        <polyline class="ctl" points={line((i) => ch.y(rows[i].control))} />
        <polyline class="acc" points={line((i) => ch.y(rows[i].accuracy))} />
        {rows.map((r, i) => (
          <g key={r.layer} class={i === shown ? 'on' : undefined}>
            <line
              class="whisk"
              x1={ch.x(i)}
              x2={ch.x(i)}
              y1={ch.y(r.controlCi[0])}
              y2={ch.y(r.controlCi[1])}
            />
            <line class="whisk" x1={ch.x(i)} x2={ch.x(i)} y1={ch.y(r.ci[0])} y2={ch.y(r.ci[1])} />
            <circle class="cpt" cx={ch.x(i)} cy={ch.y(r.control)} r={3} />
            <circle class="pt" cx={ch.x(i)} cy={ch.y(r.accuracy)} r={4} />
            <text x={ch.x(i)} y={plot.y1 + 16} text-anchor="middle">
              {r.layer}
            </text>
            <rect
              class="hit"
              data-i={i}
              x={ch.x(i) - slot / 2}
              y={plot.y0}
              width={slot}
              height={plot.y1 - plot.y0 + 20}
            />
          </g>
        ))}
        <text x={(plot.x0 + plot.x1) / 2} y={ch.height - 2} text-anchor="middle">
          layer (0 = embeddings)
        </text>
      </svg>
      <p class="probe-legend" aria-hidden="true">
        <span>
          <i />
          probe accuracy
        </span>
        <span class="k">
          <i />
          95% CI
        </span>
        <span class="c">
          <i />
          control task
        </span>
        {data.baseline && (
          <span class="b">
            <i />
            majority baseline {pct(data.baseline.accuracy)}
          </span>
        )}
      </p>
      <table class="probe-table">
        <caption>
          {title}
          {data.nTest !== null ? `; ${data.nTest} test words` : ''}
          {data.seed !== null ? `; seed ${data.seed}` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Layer</th>
            <th scope="col">Accuracy</th>
            <th scope="col">95% CI</th>
            <th scope="col">Control</th>
            <th scope="col">Selectivity</th>
          </tr>
        </thead>
        <tbody ref={body} {...handlers}>
          {rows.map((r, i) => (
            <tr
              key={r.layer}
              data-i={i}
              tabIndex={i === a ? 0 : -1}
              class={i === shown ? 'on' : undefined}
              aria-label={layerSummary(r)}
            >
              <th scope="row">{r.layer === 0 ? '0 (embeddings)' : r.layer}</th>
              <td class="acc">{pct(r.accuracy)}</td>
              <td>
                {pct(r.ci[0])}–{pct(r.ci[1])}
              </td>
              <td class="ctl">{pct(r.control)}</td>
              <td class="sel">{pts(r.selectivity)}</td>
            </tr>
          ))}
        </tbody>
        {data.baseline && (
          <tfoot>
            <tr>
              <th scope="row">Baseline</th>
              <td class="base">{pct(data.baseline.accuracy)}</td>
              <td>
                {pct(data.baseline.ci[0])}–{pct(data.baseline.ci[1])}
              </td>
              <td />
              <td />
            </tr>
          </tfoot>
        )}
      </table>
      <p class="note">
        {note} Control task: each word type gets a fixed random tag (Hewitt and Liang 2019).
        {data.ciMethod ? ` CI: ${data.ciMethod}.` : ''}
      </p>
      <p class="sr-only" aria-live="polite">
        {announce}
      </p>
    </div>
  );
}
