/** Repository paths the browser tests read and write. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(REPO, 'test/fixtures/documents');
export const SHOTS = join(REPO, 'test-results/widget');
export const BUNDLE = join(REPO, 'dist/widget/attn-heatmap.js');
