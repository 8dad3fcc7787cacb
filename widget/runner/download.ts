/**
 * A fetch whose body is streamed to count its bytes, and the tally of one reader's files: each
 * file's bytes so far of its size, and their sum once every file of the load is known and sized.
 */
import { concatBytes } from '../../shared/util/concat.js';
import type { OnProgress } from './progress.js';

export type OnBytes = (loaded: number, total?: number) => void;

/** A folder's `sizes.json` (written by scripts/sizes.ts), or none where the folder has no such file. */
export async function fetchSizes(url: string, signal: AbortSignal): Promise<Record<string, number>> {
  try {
    const res = await fetch(url, { signal });
    return res.ok ? await res.json() : {};
  } catch (e) {
    if (signal.aborted) throw e;
    return {};
  }
}

/**
 * The body's bytes; onBytes after each chunk, and last with loaded = total. The size is `size` where
 * the caller knows it (sizes.json), else an uncompressed response's Content-Length, else the end's.
 */
export async function fetchCounted(
  url: string,
  signal: AbortSignal,
  onBytes: OnBytes,
  size?: number,
): Promise<Uint8Array> {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`could not fetch ${url}: HTTP ${res.status}`);
  // A compressed body's Content-Length counts the encoded bytes, not the ones read here.
  const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const length = size ?? (encoded ? 0 : Number(res.headers.get('content-length')));
  let total = length > 0 ? length : undefined;
  onBytes(0, total);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      if (total !== undefined && loaded > total) total = undefined;
      if (total === undefined || loaded < total) onBytes(loaded, total);
    }
  }
  onBytes(loaded, loaded);
  return concatBytes(chunks, loaded);
}

interface FileState {
  loaded: number;
  total?: number;
}

/** One caller's view of its downloads: per-file events, with the running sum over its files. */
export class Tally {
  #files = new Map<string, FileState>();
  #expected = new Set<string>();
  #planned = false;
  constructor(private emit: OnProgress) {}

  /** These files make up the load (more may be announced until plan()). */
  expect(files: Iterable<string>): void {
    for (const f of files) this.#expected.add(f);
  }

  /** Every file is announced: the summed size can be told once each is known. */
  plan(): void {
    this.#planned = true;
  }

  bytes(file: string, loaded: number, total?: number): void {
    this.#expected.add(file);
    this.#files.set(file, { loaded, total });
    let sum = 0;
    let size: number | undefined = this.#planned ? 0 : undefined;
    for (const f of this.#expected) {
      const s = this.#files.get(f);
      sum += s?.loaded ?? 0;
      size = size === undefined || s?.total === undefined ? undefined : size + s.total;
    }
    this.emit({
      stage: 'download',
      file,
      loaded,
      ...(total !== undefined ? { total } : {}),
      bytes: { loaded: sum, ...(size !== undefined ? { total: size } : {}) },
    });
  }
}
