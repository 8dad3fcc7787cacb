/**
 * Builds what the npm package exports besides the widget, as plain JavaScript that runs without tsx:
 * the typed client (dist/client/, no dependencies), the core for Node (dist/node/) and the CLI
 * (dist/cli/attn-heatmap.js, the `bin`), each one bundled file; onnxruntime-node stays external (a
 * native addon, a dependency of the package). Type declarations come from tsc (tsconfig.package.json)
 * into dist/types/.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

for (const d of ['dist/client', 'dist/node', 'dist/cli', 'dist/types', 'dist/models'])
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
  entryPoints: { 'node/index': 'node/index.ts', 'cli/attn-heatmap': 'cli/explain.ts' },
  bundle: true,
  splitting: true, // the CLI and the core share one chunk of the core
  chunkNames: 'node/chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['onnxruntime-node'],
  outdir: 'dist',
  banner: { js: `#!/usr/bin/env node\n${requireShim}` },
  logLevel: 'warning',
});
chmodSync('dist/cli/attn-heatmap.js', 0o755);

// The CLI looks for the built-in probe task's data at <its folder>/../models/probe-data (cli/resolve-model.ts).
mkdirSync('dist/models/probe-data', { recursive: true });
copyFileSync('models/probe-data/brown-pos.json', 'dist/models/probe-data/brown-pos.json');

execFileSync('npx', ['tsc', '-p', 'tsconfig.package.json'], { stdio: 'inherit' });
console.log('package entries in dist/client, dist/node, dist/cli, dist/types');
