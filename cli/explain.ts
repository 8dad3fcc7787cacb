/**
 * Precomputes explanation documents for static sites, with the same core the API runs:
 *
 *   npx tsx cli/explain.ts --model models/generated/tiny-bert --text "The cat sat." [--encoding u8]
 *     [--target "…"] [--precision fp32|int8] [--out doc.json]
 *
 * The widget then shows the file with `<attn-heatmap data="doc.json">`.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { explainAttention } from '../shared/explain/attention.js';
import { AttentionRequest } from '../shared/schema/requests.js';
import { diskReader, loadLocal } from './node-host.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    text: { type: 'string' },
    target: { type: 'string' },
    encoding: { type: 'string', default: 'u8' },
    precision: { type: 'string', default: 'int8' },
    out: { type: 'string' },
  },
});
if (!values.model || !values.text) {
  console.error(
    'usage: cli/explain.ts --model <model folder> --text <text> [--target <text>] [--encoding f32|u8] [--out file]',
  );
  process.exit(2);
}
const id = basename(values.model);
const req = AttentionRequest.parse({
  model: id,
  text: values.text,
  encoding: values.encoding,
  target_text: values.target,
});
const model = await loadLocal(id, diskReader(values.model), values.precision === 'fp32' ? 'fp32' : 'int8');
const doc = await explainAttention(model, req.text, req);
const json = JSON.stringify(doc);
if (values.out) writeFileSync(values.out, json);
else process.stdout.write(`${json}\n`);
