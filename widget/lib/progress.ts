/**
 * What the element reports while a document loads: the runner's stages (download, compile, run; see
 * widget/runner/progress.ts), or `api` while it waits for the API's answer. Also the words and
 * byte counts the progress view shows.
 */
import type { Progress } from '../runner/progress.js';

export type LoadProgress = Progress | { stage: 'api' };
export type LoadStage = LoadProgress['stage'];

export function stageText(p: LoadProgress, probe: boolean): string {
  switch (p.stage) {
    case 'api':
      return probe ? 'Waiting for the API (it trains the probes, layer by layer)…' : 'Waiting for the API…';
    case 'download':
      return 'Downloading the model…';
    case 'compile':
      return 'Preparing the model (opening its graphs)…';
    case 'run':
      return probe ? 'Training the probes in this page…' : 'Running the model in this page…';
  }
}

/** 14239897 → "13.6 MB" (MiB, one decimal); under 1 MB in kB. */
export function formatBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} kB`;
}

/** "3.1 MB of 13.6 MB", or "3.1 MB" while the size is unknown. */
export function bytesText(b: { loaded: number; total?: number }): string {
  return b.total ? `${formatBytes(b.loaded)} of ${formatBytes(b.total)}` : formatBytes(b.loaded);
}
