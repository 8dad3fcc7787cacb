/**
 * What a view hands to the exporter: its data and resolved colours, not pixels. The exporter (a
 * lazily loaded chunk) turns a snapshot into vector primitives, then SVG or PNG, so the two formats
 * always agree and the base bundle carries none of it.
 */
import type { Theme } from './canvas.js';
import type { ProbeData } from './probe.js';

export interface MatrixSnapshot extends Common {
  kind: 'matrix';
  values: Float32Array;
  rows: string[];
  cols: string[];
  max: number;
  /** the visible window [r0, r1) × [c0, c1) (zoomed and panned), the whole matrix when not zoomed */
  window: { r0: number; r1: number; c0: number; c1: number };
}

export interface ModelSnapshot extends Common {
  kind: 'model';
  /** row labels (layers) and column labels (heads) */
  rowLabels: string[];
  colLabels: string[];
  /** [row][col] thumbnail: a rows×cols block-max downsample and the max it is scaled to */
  thumbs: ({ block: Float32Array; rows: number; cols: number; max: number } | null)[][];
}

export interface LinesSnapshot extends Common {
  kind: 'lines';
  left: string[];
  right: string[];
  leftTitle: string;
  rightTitle: string;
  /** line from left i to right j; w in [0, 1] sets opacity and width */
  links: { i: number; j: number; w: number; color: string }[];
  /** links drawn on top as marks (the argmax alignment) */
  marked?: [number, number][];
  /** what each line colour stands for ("head 2"); one unnamed colour when absent */
  legend?: { color: string; name: string }[];
}

export interface SaliencySnapshot extends Common {
  kind: 'saliency';
  /** t in [-1, 1] (signed, diverging scale) or [0, 1] (sequential) */
  tokens: { text: string; t: number; special: boolean }[];
  signed: boolean;
}

export interface ProbeSnapshot extends Common {
  kind: 'probe';
  /** per-layer accuracy, CI, control accuracy and the baseline, as the view draws them */
  data: ProbeData;
}

/** What every snapshot carries besides its data. */
export interface Common {
  title: string;
  /** a line under the figure (e.g. the AER, the completeness error) */
  note?: string;
  /** further lines under the note (e.g. the saliency map's faithfulness figures) */
  details?: string[];
  /** resolved colours; the exporter reads them from the element when a view leaves them out */
  theme?: Theme;
}

export type Snapshot = MatrixSnapshot | ModelSnapshot | LinesSnapshot | SaliencySnapshot | ProbeSnapshot;

export type ExportFormat = 'png' | 'svg';

/** Where views leave a function producing their current snapshot, for the export buttons and method. */
export interface SnapshotSlot {
  current: (() => Snapshot) | null;
}
