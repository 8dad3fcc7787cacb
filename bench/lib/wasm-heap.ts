/**
 * onnxruntime-web's wasm heap, read from Node. ORT instantiates its module once, when the first
 * session is created; wrapping `WebAssembly.instantiate` before then captures the instance and its
 * imports, and so the `WebAssembly.Memory` (exported by some ORT builds, imported by others: the
 * threaded build's), as worker/ort.ts does in workerd, with the same lookup. A wasm heap only grows,
 * so its size after a piece of work is that work's peak (plus whatever came before it in the process).
 */
import { findMemory } from '../../worker/wasm-memory.js';

export interface WasmHeapWatch {
  /** whether ORT has instantiated its module since the watch began */
  readonly found: boolean;
  /** the heap's size when the module was instantiated, bytes (0 before) */
  readonly initialBytes: number;
  /** the heap's size now, bytes (0 before the module is instantiated) */
  bytes(): number;
}

/** Call before the first ORT session is created; the wrapper restores itself after one call. */
export function watchWasmHeap(): WasmHeapWatch {
  let memory: WebAssembly.Memory | undefined;
  let initialBytes = 0;
  const original = WebAssembly.instantiate;
  // biome-ignore lint/suspicious/noExplicitAny: wrapping an overloaded platform function for one call.
  (WebAssembly as any).instantiate = async (source: unknown, imports?: WebAssembly.Imports) => {
    WebAssembly.instantiate = original;
    // biome-ignore lint/suspicious/noExplicitAny: forwarding either overload unchanged.
    const result = await (original as any)(source, imports);
    const instance: WebAssembly.Instance = result instanceof WebAssembly.Instance ? result : result.instance;
    memory = findMemory(instance.exports) ?? findMemory(imports ?? {});
    initialBytes = memory?.buffer.byteLength ?? 0;
    return result;
  };
  return {
    get found() {
      return memory !== undefined;
    },
    get initialBytes() {
      return initialBytes;
    },
    bytes: () => memory?.buffer.byteLength ?? 0,
  };
}
