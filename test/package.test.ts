/**
 * The npm package as a user installs it: `npm pack`, the tarball installed into a fresh project, and
 * from there a Node script that imports the typed client and the core and explains tiny-bert, the
 * `attn-heatmap` bin, and a Vite page that imports the widget. Assumes `npm run build` (dist/).
 *
 * Offline npm cannot resolve the dependencies (the cache holds their tarballs but not the registry's
 * metadata), so the install is `--prefer-offline`: metadata from the registry, files from the cache.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const TINY_BERT = join(ROOT, 'models/generated/tiny-bert');
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false' };
let dir: string;

const sh = (cmd: string, args: string[], cwd = dir) =>
  execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/attn-heatmap.js'))) throw new Error('run npm run build first');
  dir = mkdtempSync(join(tmpdir(), 'attn-heatmap-package-'));
  sh('npm', ['pack', '--silent', '--pack-destination', dir], ROOT);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user', private: true, type: 'module' }));
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', `./${tarball}`]);
}, 180_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the installed package', () => {
  it('holds only the built files: no sources, tests or models', () => {
    const files = sh('tar', ['-tzf', readdirSync(dir).find((f) => f.endsWith('.tgz'))!]).split('\n');
    expect(files.filter((f) => /\.test\.|\.tsx?$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /\.(onnx|wasm)$/.test(f))).toEqual([]);
    expect(files).toContain('package/dist/attn-heatmap.js');
    expect(files).toContain('package/models/probe-data/brown-pos.json');
  });

  it('a Node script imports the client and the core and explains tiny-bert', () => {
    writeFileSync(
      join(dir, 'use.mjs'),
      `import { createClient } from 'attn-heatmap/client';
import { AttentionRequest, ExplanationDocument, explain, loadFolder } from 'attn-heatmap/node';
const model = await loadFolder(${JSON.stringify(TINY_BERT)});
const req = AttentionRequest.parse({ model: model.id, text: 'The cat sat.' });
const doc = ExplanationDocument.parse(await explain(model, { kind: 'attention', ...req }));
// nothing listens on port 9: the client answers with a typed value, not a throw
const r = await createClient('http://127.0.0.1:9', { retries: 0 }).models();
console.log(JSON.stringify({ family: doc.model.family, entries: doc.attention.length, client: r.ok ? 'ok' : r.error.code }));
`,
    );
    expect(JSON.parse(sh('node', ['use.mjs']))).toEqual({
      family: 'encoder',
      entries: 2,
      client: 'network_error',
    });
  });

  it('npx attn-heatmap runs without tsx: --help, and a saliency document', () => {
    expect(sh('npx', ['--offline', 'attn-heatmap', '--help'])).toMatch(/^usage: attn-heatmap/);
    const out = sh('npx', [
      '--offline',
      'attn-heatmap',
      'saliency',
      '--model',
      TINY_BERT,
      '--text',
      'The cat sat.',
      '--method',
      'occlusion',
    ]);
    const doc = JSON.parse(out);
    expect(doc.saliency[0].method).toBe('occlusion');
    expect(doc.saliency[0].scores).toHaveLength(doc.input.tokens.length);
    expect(existsSync(join(dir, 'node_modules/tsx'))).toBe(false);
  });

  it('a Vite page imports the widget: its lazy views stay separate chunks', () => {
    writeFileSync(
      join(dir, 'index.html'),
      '<script type="module">import "attn-heatmap/widget";</script><attn-heatmap></attn-heatmap>',
    );
    sh(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
    const assets = readdirSync(join(dir, 'dist/assets')).filter((f) => f.endsWith('.js'));
    expect(assets.length).toBeGreaterThan(1);
    const all = assets.map((f) => readFileSync(join(dir, 'dist/assets', f), 'utf8')).join('\n');
    expect(all).toContain('attn-heatmap');
  });
});
