/** `--model`: a model folder, or the id of a model this repository serves or generates. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from './cli-error.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Where an id is looked for, in order: the trained models, the generated test models, the built site. */
export const MODEL_DIRS = ['models', 'models/generated', 'dist/site/models'];

const isModelFolder = (dir: string) => existsSync(join(dir, 'config.json'));

export function resolveModel(model: string): string {
  const asFolder = resolve(model);
  if (isModelFolder(asFolder)) return asFolder;
  if (/^[\w.-]+$/.test(model)) {
    for (const dir of MODEL_DIRS) {
      const candidate = join(ROOT, dir, model);
      if (isModelFolder(candidate)) return candidate;
    }
  }
  throw new CliError(
    'unknown_model',
    `no model "${model}": not a folder with a config.json, nor an id in ${MODEL_DIRS.map((d) => `${d}/`).join(', ')} (run npm run build for the served ones)`,
  );
}

/** The built-in probe task's data: the committed sample the site serves (models/probe-data). */
export const BROWN_POS_DATA = join(ROOT, 'models', 'probe-data', 'brown-pos.json');
