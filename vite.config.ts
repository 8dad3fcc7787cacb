/**
 * Builds the <attn-heatmap> widget (library mode): dist/widget/attn-heatmap.js (ES module) and
 * dist/widget/attn-heatmap.iife.js (classic <script>), both minified, Preact bundled in.
 */
import { defineConfig, type Plugin, transformWithEsbuild } from 'vite';

/**
 * Vite leaves whitespace in ES library output (to keep /*#__PURE__*\/ hints for re-bundlers). This
 * file is shipped to pages as is, so minify it fully.
 */
function minifyEsWhitespace(): Plugin {
  return {
    name: 'attn-heatmap:minify-es',
    apply: 'build',
    // generateBundle runs after Vite's own renderChunk minify pass, which would re-print the code.
    async generateBundle(options, bundle) {
      if (options.format !== 'es') return;
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        chunk.code = (
          await transformWithEsbuild(chunk.code, chunk.fileName, { minify: true, format: 'esm' })
        ).code;
      }
    },
  };
}

export default defineConfig({
  // jsxDev off even when built under vitest (NODE_ENV=test), which would add file names and line numbers.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact', jsxDev: false },
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    minify: 'esbuild',
    sourcemap: false,
    reportCompressedSize: true,
    // Keep the base in the entry file itself (one request), lazy views importing from it.
    rollupOptions: { preserveEntrySignatures: 'allow-extension' },
    lib: {
      entry: 'widget/index.ts',
      name: 'AttnHeatmap',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'attn-heatmap.js' : `attn-heatmap.${format}.js`),
    },
  },
  plugins: [minifyEsWhitespace()],
});
