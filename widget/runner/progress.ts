/**
 * What the runner reports while it works, in order: `download` (per file: bytes so far of its size,
 * and the sum over the files of this load), then `compile` (graphs rewritten, sessions opened), then
 * `run`. Stages never go back; bytes only grow; a file's last event has loaded = total.
 */
export type Stage = 'download' | 'compile' | 'run';
export const STAGES: readonly Stage[] = ['download', 'compile', 'run'];

export interface Progress {
  stage: Stage;
  /** download: the file, relative to the model folder (or the runtime's .wasm, or probe data) */
  file?: string;
  /** download: the file's bytes so far */
  loaded?: number;
  /** download: the file's size, from Content-Length; unknown until the end where it is not sent */
  total?: number;
  /** download: all files of this load; total once every file's size is known */
  bytes?: { loaded: number; total?: number };
}

export type OnProgress = (p: Progress) => void;

/** Passes events on, dropping any whose stage is before one already reported. */
export function inOrder(on: OnProgress | undefined): OnProgress {
  let at = 0;
  return (p) => {
    const i = STAGES.indexOf(p.stage);
    if (i < at) return;
    at = i;
    on?.(p);
  };
}
