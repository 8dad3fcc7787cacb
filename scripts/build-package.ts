/**
 * Builds what the npm package exports besides the widget, as plain JavaScript that runs without tsx:
 * the typed client (dist/client/, no dependencies), the core for Node (dist/node/) and the CLI
 * (dist/attn-heatmap.js, the `bin`: one folder below the package's root, as cli/ is in the repository,
 * so that it finds dist/widget and models/probe-data as cli/ does); onnxruntime-node stays external (a
 * native addon, a dependency of the package), and playwright-core (optional: only images need it). Type declarations come from tsc (tsconfig.package.json)
 * into dist/types/.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

for (const d of ['dist/client', 'dist/node', 'dist/attn-heatmap.js', 'dist/types'])
  rmSync(d, { recursive: true, force: true });

await build({
  entryPoints: { 'client/index': 'client/index.ts' },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  outdir: 'dist',
  logLevel: 'warning',
});

// Bundled CommonJS dependencies (protobufjs) call require(): give the ES module one.
const requireShim =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
await build({
  entryPoints: { 'node/index': 'node/index.ts', 'attn-heatmap': 'cli/explain.ts' },
  bundle: true,
  splitting: true, // the CLI and the core share one chunk of the core
  chunkNames: 'node/chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['onnxruntime-node', 'playwright-core'],
  outdir: 'dist',
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
  logLevel: 'warning',
});
chmodSync('dist/attn-heatmap.js', 0o755);

execFileSync('npx', ['tsc', '-p', 'tsconfig.package.json'], { stdio: 'inherit' });
console.log('package entries in dist/client, dist/node, dist/attn-heatmap.js, dist/types');
