/**
 * Assembles the worker's static assets in dist/site: the demo page, the widget bundle and the model
 * folders (served at /models/<id>/ to the worker's ASSETS binding and to in-browser runs).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeSizes } from './sizes.js';

const out = 'dist/site';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync('site', out, { recursive: true });
if (!existsSync('dist/widget')) throw new Error('dist/widget is missing: run `npm run build:widget` first');
cpSync('dist/widget', join(out, 'widget'), { recursive: true });
// Generated test models first; trained models (models/<id>/ with a config.json) override them.
const roots = ['models/generated', 'models'];
for (const root of roots) {
  if (!existsSync(root)) continue;
  for (const id of readdirSync(root)) {
    const dir = join(root, id);
    if (!existsSync(join(dir, 'config.json'))) continue;
    cpSync(dir, join(out, 'models', id), {
      recursive: true,
      dereference: true, // decoder_model_merged*.onnx are links in the repository

      filter: (src) => !src.endsWith('.md') || src === dir,
    });
  }
}
// The built-in probing task's data (a compact sample of Brown), read by the worker and the browser.
cpSync('models/probe-data', join(out, 'probe-data'), { recursive: true });
// Each file's size, for the runner's download progress (scripts/sizes.ts says why).
for (const id of readdirSync(join(out, 'models'))) writeSizes(join(out, 'models', id));
if (existsSync(join(out, 'widget/runner'))) writeSizes(join(out, 'widget/runner'));
console.log(`assets in ${out}: ${readdirSync(join(out, 'models')).join(', ')}`);
