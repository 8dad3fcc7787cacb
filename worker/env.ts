/** Bindings and vars of the worker (see wrangler.toml). */
export interface Env {
  /** Workers static assets: the demo page, the widget bundle and the model folders under /models/. */
  ASSETS: { fetch(request: Request): Promise<Response> };
  /** comma-separated model ids served (folders under /models/ in the assets) */
  MODELS?: string;
  /** `int8` (default) or `fp32`: which ONNX files to load */
  PRECISION?: string;
  /** `*` (default) or a comma-separated list of allowed origins */
  CORS_ORIGINS?: string;
  /** models an isolate keeps open at once (default 1); the least recently used is released beyond it */
  MAX_RESIDENT_MODELS?: string;
  /** part of the response cache key: bump it when a model's files or the analyses change */
  CACHE_VERSION?: string;
  /** `on` exposes GET /v1/_diagnostics (wasm heap size), for tests */
  DIAGNOSTICS?: string;
}

export type AppEnv = { Bindings: Env };
