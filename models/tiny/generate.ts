/**
 * Writes the tiny test models, in the Hugging Face folder layout, to `<outDir>/<id>/`.
 * Deterministic: the same seeds give byte-identical files.
 *
 *   npm run models            # → models/generated/{tiny-bert,tiny-bert-fused,tiny-gpt2,tiny-marian}/
 *   npx tsx models/tiny/generate.ts <outDir>
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTinyBert } from './bert.js';
import { buildTinyBertFused } from './bert-fused.js';
import type { ModelFiles } from './files.js';
import { buildTinyGpt2 } from './gpt2.js';
import { buildTinyMarian } from './marian.js';

export type { ModelFiles };
export { buildTinyBert, buildTinyBertFused, buildTinyGpt2, buildTinyMarian };

/** Model id → builder (each takes a seed and has its own default). */
export const TINY_MODELS: Record<string, (seed?: number) => ModelFiles> = {
  'tiny-bert': buildTinyBert,
  'tiny-bert-fused': buildTinyBertFused,
  'tiny-gpt2': buildTinyGpt2,
  'tiny-marian': buildTinyMarian,
};

export const DEFAULT_OUT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../generated');

export async function writeModelFiles(dir: string, model: ModelFiles): Promise<void> {
  for (const [path, content] of Object.entries(model.files)) {
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

/** Builds all tiny models and writes them; returns each model's folder. */
export async function generateTinyModels(
  outDir: string = DEFAULT_OUT_DIR,
  seeds: Partial<Record<string, number>> = {},
): Promise<Record<string, string>> {
  const dirs: Record<string, string> = {};
  for (const [id, build] of Object.entries(TINY_MODELS)) {
    dirs[id] = join(outDir, id);
    await writeModelFiles(dirs[id], build(seeds[id]));
  }
  return dirs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dirs = await generateTinyModels(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUT_DIR);
  for (const [id, dir] of Object.entries(dirs)) console.log(`${id} → ${dir}`);
}
