/**
 * The probe view's data (a document's `probe` field: per-layer accuracy with its CI, control-task
 * accuracy, selectivity, the majority baseline) checked into a plain shape, and the chart's
 * geometry, shared by the view (SVG in the page) and the exporter (scene → SVG/PNG). Both are lazy
 * chunks; the base bundle only asks whether a document has probe layers (groups.ts).
 */

export interface ProbeLayerRow {
  layer: number;
  accuracy: number;
  ci: [number, number];
  control: number;
  controlCi: [number, number];
  selectivity: number;
}

export interface ProbeData {
  task: string;
  probe: string;
  features: string;
  seed: number | null;
  layers: ProbeLayerRow[];
  baseline: { accuracy: number; ci: [number, number] } | null;
  nTest: number | null;
  ciMethod: string | null;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isRate = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x <= 1;
const pair = (x: unknown): [number, number] | null =>
  Array.isArray(x) && x.length === 2 && isRate(x[0]) && isRate(x[1]) ? [x[0], x[1]] : null;

/** The document's probe result, or a message saying what is wrong with it. */
export function readProbe(x: unknown): ProbeData | { error: string } {
  if (!isObj(x) || !Array.isArray(x.layers) || x.layers.length === 0)
    return { error: 'probe.layers must be a non-empty array' };
  const layers: ProbeLayerRow[] = [];
  for (const [i, l] of x.layers.entries()) {
    if (!isObj(l) || !Number.isInteger(l.layer) || !isRate(l.accuracy) || !isRate(l.control_accuracy))
      return { error: `probe.layers[${i}] needs a layer, an accuracy and a control_accuracy in [0, 1]` };
    const ci = pair(l.ci) ?? [l.accuracy, l.accuracy];
    const controlCi = pair(l.control_ci) ?? [l.control_accuracy, l.control_accuracy];
    layers.push({
      layer: l.layer as number,
      accuracy: l.accuracy,
      ci,
      control: l.control_accuracy,
      controlCi,
      selectivity: typeof l.selectivity === 'number' ? l.selectivity : l.accuracy - l.control_accuracy,
    });
  }
  layers.sort((a, b) => a.layer - b.layer);
  const b = x.baseline;
  const baseline =
    isObj(b) && isRate(b.accuracy)
      ? { accuracy: b.accuracy, ci: pair(b.ci) ?? [b.accuracy, b.accuracy] }
      : null;
  const str = (v: unknown, d: string) => (typeof v === 'string' ? v : d);
  return {
    task: str(x.task, 'probe'),
    probe: str(x.probe, 'linear'),
    features: str(x.features, 'first'),
    seed: typeof x.seed === 'number' ? x.seed : null,
    layers,
    baseline: baseline as ProbeData['baseline'],
    nTest: typeof x.n_test === 'number' ? x.n_test : null,
    ciMethod: typeof x.ci_method === 'string' ? x.ci_method : null,
  };
}

/** 0.8931 → "89.3%"; selectivity is in points. */
export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
export const pts = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)} pts`;
export const layerName = (l: number) => (l === 0 ? 'Layer 0 (embeddings)' : `Layer ${l}`);

/** One sentence per layer, for the readout, the live region and the table rows' labels. */
export function layerSummary(r: ProbeLayerRow): string {
  return (
    `${layerName(r.layer)}: accuracy ${pct(r.accuracy)} (95% CI ${pct(r.ci[0])}–${pct(r.ci[1])}), ` +
    `control ${pct(r.control)}, selectivity ${pts(r.selectivity)}`
  );
}

export function probeTitle(d: ProbeData): string {
  return `Probe accuracy per layer: ${d.task}, ${d.probe} probe, ${d.features} sub-word`;
}

/** Chart geometry in the chart's own units (the view draws it in an SVG viewBox, the exporter as a scene). */
export interface ProbeChart {
  width: number;
  height: number;
  plot: { x0: number; x1: number; y0: number; y1: number };
  /** y domain [lo, hi] (accuracy) */
  domain: [number, number];
  ticks: number[];
  x(i: number): number;
  y(v: number): number;
}

export function probeChart(d: ProbeData, width = 480, height = 220): ProbeChart {
  const plot = { x0: 44, x1: width - 12, y0: 10, y1: height - 30 };
  const vals = d.layers.flatMap((l) => [l.ci[0], l.controlCi[0], l.control, l.accuracy]);
  if (d.baseline) vals.push(d.baseline.ci[0]);
  // Whole tenths; the top is 100% so that accuracies read against the ceiling.
  const lo = Math.max(0, Math.floor(Math.min(...vals) * 10 - 1e-9) / 10);
  const domain: [number, number] = [Math.min(lo, 0.9), 1];
  const step = domain[1] - domain[0] > 0.5 ? 0.2 : 0.1;
  const ticks: number[] = [];
  for (let t = domain[0]; t <= 1 + 1e-9; t += step) ticks.push(Math.round(t * 100) / 100);
  const n = d.layers.length;
  const x = (i: number) =>
    n === 1 ? (plot.x0 + plot.x1) / 2 : plot.x0 + 16 + (i * (plot.x1 - plot.x0 - 32)) / (n - 1);
  const y = (v: number) => plot.y1 - ((v - domain[0]) / (domain[1] - domain[0])) * (plot.y1 - plot.y0);
  return { width, height, plot, domain, ticks, x, y };
}
