/**
 * Where onnxruntime-web's wasm heap is, given the instance ORT instantiated: exported by some ORT
 * builds and imported by others (the threaded one shares it). No imports, so that both the worker
 * (worker/ort.ts, in workerd) and the benchmarks (bench/lib/wasm-heap.ts, in Node) can use it.
 */

/** The first `WebAssembly.Memory` in an instance's exports or imports object, searched depth-first. */
export function findMemory(obj: object): WebAssembly.Memory | undefined {
  for (const v of Object.values(obj)) {
    if (v instanceof WebAssembly.Memory) return v;
    if (v && typeof v === 'object' && !(v instanceof WebAssembly.Global)) {
      const inner = findMemory(v);
      if (inner) return inner;
    }
  }
  return undefined;
}
