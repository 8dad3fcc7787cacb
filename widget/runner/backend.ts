/**
 * Picks onnxruntime-web's backend in the page: WebGPU through ORT's JSPI build where the browser has
 * both WebGPU and JS promise integration, else the plain WASM build. Each build is its own chunk,
 * and its .wasm sits beside this file (ORT finds it relative to import.meta.url).
 */
import type { InferenceSession } from 'onnxruntime-common';
import type { OrtModule } from '../../shared/runtime/session.js';
import { LEAN_SESSION_OPTIONS } from '../../shared/runtime/session.js';

export type Backend = 'webgpu' | 'wasm';

export interface LoadedBackend {
  backend: Backend;
  ort: OrtModule;
  options: InferenceSession.SessionOptions;
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

function configure(ort: typeof import('onnxruntime-web'), wasmFile: string): void {
  // Threads need cross-origin isolation (COOP + COEP); without it ORT must stay single-threaded.
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated
    ? Math.min(4, navigator.hardwareConcurrency || 1)
    : 1;
  // Only the .wasm is fetched; the bundled builds carry their JavaScript glue inside.
  ort.env.wasm.wasmPaths = { wasm: new URL(wasmFile, import.meta.url).href };
}

export async function loadBackend(prefer: Backend | 'auto' = 'auto'): Promise<LoadedBackend> {
  if (prefer !== 'wasm' && (await hasWebGpu())) {
    const ort = await import('onnxruntime-web/jspi');
    configure(ort, 'ort-wasm-simd-threaded.jspi.wasm');
    return {
      backend: 'webgpu',
      ort: ort as unknown as OrtModule,
      options: { executionProviders: ['webgpu', 'wasm'] },
    };
  }
  const ort = await import('onnxruntime-web/wasm');
  configure(ort, 'ort-wasm-simd-threaded.wasm');
  return {
    backend: 'wasm',
    ort: ort as unknown as OrtModule,
    options: { ...LEAN_SESSION_OPTIONS, executionProviders: ['wasm'] },
  };
}
