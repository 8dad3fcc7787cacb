/**
 * One session interface over onnxruntime-web and onnxruntime-node. Both expose the same
 * `onnxruntime-common` API, so a host hands its `ort` module to `createSessionFactory` and the core
 * never imports a backend itself (workerd, browsers and Node each load ORT differently).
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';

export type OrtTensor = Tensor;
export type Feeds = Record<string, Tensor>;

export interface OrtModule {
  InferenceSession: {
    create(bytes: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: typeof Tensor;
}

export interface Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Feeds, outputs?: readonly string[]): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

export interface SessionFactory {
  readonly ort: OrtModule;
  create(bytes: Uint8Array): Promise<Session>;
}

/**
 * Options that keep ORT's wasm heap near the model's size (measured in ENVIRONMENT.md: 3-4x the
 * .onnx size with defaults, about 1.5x with these). A Worker isolate has 128 MB in all.
 */
export const LEAN_SESSION_OPTIONS: InferenceSession.SessionOptions = {
  enableCpuMemArena: false,
  enableMemPattern: false,
  graphOptimizationLevel: 'all',
  // disable_quant_qdq: weight-only int8 models (DequantizeLinear → MatMul) run as written; otherwise
  // onnxruntime fuses them into MatMuls that quantize the activations too, and flips more decisions.
  extra: { session: { disable_prepacking: '1', disable_quant_qdq: '1' } },
};

export function createSessionFactory(
  ort: OrtModule,
  options: InferenceSession.SessionOptions = LEAN_SESSION_OPTIONS,
): SessionFactory {
  return {
    ort,
    async create(bytes) {
      const s = await ort.InferenceSession.create(bytes, options);
      return {
        inputNames: s.inputNames,
        outputNames: s.outputNames,
        run: (feeds, outputs) => (outputs ? s.run(feeds, outputs as string[]) : s.run(feeds)),
        release: () => s.release(),
      };
    },
  };
}

/** A factory that remembers the sessions it opened, so that a host can release a model's all at once. */
export function trackedFactory(base: SessionFactory): SessionFactory & { releaseAll(): Promise<void> } {
  const open = new Set<Session>();
  return {
    ort: base.ort,
    async create(bytes) {
      const s = await base.create(bytes);
      // a session released on its own (a sanity check's randomized model) leaves the set, so that
      // releaseAll never releases it twice
      const tracked: Session = {
        ...s,
        run: (feeds, outputs) => s.run(feeds, outputs),
        release: async () => {
          open.delete(tracked);
          await s.release();
        },
      };
      open.add(tracked);
      return tracked;
    },
    async releaseAll() {
      const all = [...open];
      open.clear();
      await Promise.all(all.map((s) => s.release()));
    },
  };
}
