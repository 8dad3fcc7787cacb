/**
 * Prints the size of the widget bundles as shipped (minified) and as sent (gzip -9), and how much of
 * the ES bundle is Preact itself, so growth of our own code is easy to see. Run after build:widget.
 *
 * The ES build is split: the entry and the chunks it imports statically are the base every page
 * loads; views and export are chunks fetched by import() on first use, listed one by one. The
 * IIFE build cannot split, so it holds everything.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const dir = 'dist/widget';
const entry = join(dir, 'attn-heatmap.js');
const iife = join(dir, 'attn-heatmap.iife.js');
if (!existsSync(entry)) {
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

/** The entry and every chunk it imports statically (import … from "./x.js"), transitively. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(join(dir, file), 'utf8');
  // Static imports only: `import{…}from"./x.js"` / `import"./x.js"`, not `import("./x.js")`.
  for (const m of code.matchAll(/import\s*(?:[\w${},\s*]+from\s*)?["']\.\/([^"']+)["']/g))
    staticClosure(m[1], seen);
  return seen;
}

const row = (name: string, bytes: Buffer | string) =>
  console.log(`${name.padEnd(40)}${kb(bytes.length)}${kb(gz(bytes))}`);

console.log(`${'file'.padEnd(40)}${'minified'.padStart(10)}${'gzip'.padStart(10)}`);
const base = [...staticClosure('attn-heatmap.js')];
const baseCode = base.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
row('ES base (entry + static imports)', baseCode);
for (const f of base) row(`  ${f}`, readFileSync(join(dir, f)));
const lazy = readdirSync(dir).filter(
  (f) => f.endsWith('.js') && !base.includes(f) && f !== 'attn-heatmap.iife.js',
);
let lazyTotal = 0;
for (const f of lazy.sort()) {
  const b = readFileSync(join(dir, f));
  lazyTotal += b.length;
  row(`  lazy: ${f}`, b);
}
if (lazy.length) console.log(`${'  lazy chunks, all together'.padEnd(40)}${kb(lazyTotal)}`);
if (existsSync(iife)) row(iife.replace(`${dir}/`, 'IIFE (everything): '), readFileSync(iife));
const preact = await preactBaseline();
console.log(`${'  of which Preact (alone)'.padEnd(40)}${kb(preact.length)}${kb(gz(preact))}`);
console.log(
  `${'  ES base beyond Preact (approx.)'.padEnd(40)}${kb(baseCode.length - preact.length)}${kb(gz(baseCode) - gz(preact))}`,
);
