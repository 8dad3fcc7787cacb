/**
 * Picks onnxruntime-web's backend in the page: WebGPU through ORT's JSPI build where the browser has
 * both WebGPU and JS promise integration, else the plain WASM build. Each build is its own chunk,
 * and its .wasm sits beside this file. The runner fetches that .wasm itself the first time (`wasm`),
 * so its bytes are counted in the download's progress, and hands them to ORT.
 */
import type { InferenceSession } from 'onnxruntime-common';
import type { OrtModule } from '../../shared/runtime/session.js';
import { LEAN_SESSION_OPTIONS } from '../../shared/runtime/session.js';

export type Backend = 'webgpu' | 'wasm';

export interface LoadedBackend {
  backend: Backend;
  ort: OrtModule;
  options: InferenceSession.SessionOptions;
  /** present while ORT has no .wasm yet */
  wasm?: WasmToFetch;
}

async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu || !('Suspending' in WebAssembly)) return false;
  try {
    return (await gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

/** The runtime's .wasm while ORT has not got it yet: its name, URL, and where its bytes go. */
export interface WasmToFetch {
  file: string;
  url: string;
  set(bytes: Uint8Array): void;
}

function configure(ort: typeof import('onnxruntime-web'), wasmFile: string): WasmToFetch | undefined {
  // Threads need cross-origin isolation (COOP + COEP); without it ORT must stay single-threaded.
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated
    ? Math.min(4, navigator.hardwareConcurrency || 1)
    : 1;
  // Only the .wasm is fetched; the bundled builds carry their JavaScript glue inside.
  const url = new URL(wasmFile, import.meta.url).href;
  ort.env.wasm.wasmPaths = { wasm: url };
  // Once per build: ORT instantiates its .wasm on the first session and ignores it after.
  if (ort.env.wasm.wasmBinary) return undefined;
  const set = (bytes: Uint8Array) => {
    ort.env.wasm.wasmBinary ??= bytes;
  };
  return { file: wasmFile, url, set };
}

export async function loadBackend(prefer: Backend | 'auto' = 'auto'): Promise<LoadedBackend> {
  if (prefer !== 'wasm' && (await hasWebGpu())) {
    const ort = await import('onnxruntime-web/jspi');
    return {
      wasm: configure(ort, 'ort-wasm-simd-threaded.jspi.wasm'),
      backend: 'webgpu',
      ort: ort as unknown as OrtModule,
      options: { executionProviders: ['webgpu', 'wasm'] },
    };
  }
  const ort = await import('onnxruntime-web/wasm');
  return {
    wasm: configure(ort, 'ort-wasm-simd-threaded.wasm'),
    backend: 'wasm',
    ort: ort as unknown as OrtModule,
    options: { ...LEAN_SESSION_OPTIONS, executionProviders: ['wasm'] },
  };
}
