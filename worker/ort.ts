/**
 * onnxruntime-web's WASM backend inside workerd. workerd refuses to compile WebAssembly from bytes
 * at run time and has no import.meta.url, so ORT's loader cannot fetch and compile its .wasm.
 * Instead wrangler hands us the module precompiled (`CompiledWasm` rule in wrangler.toml), and we
 * swap it in for the one `WebAssembly.instantiate(bytes, imports)` call ORT makes.
 */

import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';
import * as ort from 'onnxruntime-web/wasm';
import { createSessionFactory, type SessionFactory } from '../shared/runtime/session.js';
import { findMemory } from './wasm-memory.js';

let factory: SessionFactory | undefined;
let memory: WebAssembly.Memory | undefined;
let openCount = 0;

/** The wasm heap in bytes: the figure the isolate's 128 MB limit applies to (local workerd does not enforce it). */
export function wasmHeapBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

/** Sessions created and not yet released: the heap never shrinks, so a leak shows here first. */
export function openSessions(): number {
  return openCount;
}

function counted(base: SessionFactory): SessionFactory {
  return {
    ort: base.ort,
    async create(bytes) {
      const s = await base.create(bytes);
      openCount++;
      let released = false;
      return {
        inputNames: s.inputNames,
        outputNames: s.outputNames,
        run: (feeds, outputs) => s.run(feeds, outputs),
        release: () => {
          if (!released) openCount--;
          released = true;
          return s.release();
        },
      };
    },
  };
}

function init(): SessionFactory {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  // Any bytes: a set wasmBinary only selects ORT's no-fetch path; the swap below supplies the module.
  ort.env.wasm.wasmBinary = new Uint8Array(8);
  const original = WebAssembly.instantiate;
  // ORT instantiates once, when the first session is created; the swap restores itself then.
  // biome-ignore lint/suspicious/noExplicitAny: replacing an overloaded platform function for one call.
  (WebAssembly as any).instantiate = async (_bytes: unknown, imports: WebAssembly.Imports) => {
    WebAssembly.instantiate = original;
    const instance = await original(ortWasm, imports);
    memory = findMemory(instance.exports) ?? findMemory(imports);
    return { instance, module: ortWasm };
  };
  return counted(createSessionFactory(ort));
}

export function sessionFactory(): SessionFactory {
  factory ??= init();
  return factory;
}
