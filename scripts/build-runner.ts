/**
 * Builds the in-browser runner (widget/runner/) into dist/widget/runner/ with esbuild, and copies
 * onnxruntime-web's .wasm files beside it. esbuild, not Vite's library mode: Vite would inline the
 * wasm that ORT references through `new URL(…, import.meta.url)` as base64 into the JavaScript.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const out = 'dist/widget/runner';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { 'attn-heatmap-runner': 'widget/runner/index.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  outdir: out,
  logLevel: 'warning',
});
for (const f of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.jspi.wasm']) {
  copyFileSync(`node_modules/onnxruntime-web/dist/${f}`, `${out}/${f}`);
}
console.log(`runner in ${out}`);
