/**
 * Prints the size of the widget bundles as shipped (minified) and as sent (gzip -9), and how much of
 * the ES bundle is Preact itself, so growth of our own code is easy to see. Run after build:widget.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const files = ['dist/widget/attn-heatmap.js', 'dist/widget/attn-heatmap.iife.js'];
if (!existsSync(files[0])) {
  console.error('dist/widget is missing: run `npm run build:widget` first');
  process.exit(1);
}

const gz = (b: Uint8Array | string) => gzipSync(b, { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(2)} KiB`.padStart(10);

/** The Preact runtime the widget uses, bundled and minified alone: the floor under our own code. */
async function preactBaseline(): Promise<string> {
  const id = '\0preact-baseline';
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: 'esbuild',
      target: 'es2022',
      rollupOptions: { input: id, output: { format: 'iife' } },
    },
    plugins: [
      {
        name: 'preact-baseline',
        resolveId: (s) => (s === id ? id : null),
        load: (s) =>
          s === id
            ? `import { render, h, Component, Fragment } from 'preact';
               import { useState, useEffect, useLayoutEffect, useMemo, useRef } from 'preact/hooks';
               import { jsx } from 'preact/jsx-runtime';
               window.k = [render, h, Component, Fragment, useState, useEffect, useLayoutEffect, useMemo, useRef, jsx];`
            : null,
      },
    ],
  });
  const outputs = Array.isArray(out) ? out : [out];
  const chunk = (outputs[0] as { output: { type: string; code?: string }[] }).output.find(
    (o) => o.type === 'chunk',
  );
  return chunk?.code ?? '';
}

console.log(`${'file'.padEnd(34)}${'minified'.padStart(10)}${'gzip'.padStart(10)}`);
for (const f of files) {
  if (!existsSync(f)) continue;
  const b = readFileSync(f);
  console.log(`${f.padEnd(34)}${kb(b.length)}${kb(gz(b))}`);
}
const preact = await preactBaseline();
const es = readFileSync(files[0]);
console.log(`${'  of which Preact (alone)'.padEnd(34)}${kb(preact.length)}${kb(gz(preact))}`);
console.log(
  `${'  widget beyond Preact (approx.)'.padEnd(34)}${kb(es.length - preact.length)}${kb(gz(es) - gz(preact))}`,
);
