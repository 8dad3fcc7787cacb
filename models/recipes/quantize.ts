/**
 * Writes the int8 variants of a model folder with the project's own quantizer:
 * onnx/model.onnx → onnx/model_quantized.onnx (and encoder_model / decoder_model likewise).
 *
 *   npx tsx models/recipes/quantize.ts models/brown-sentiment [--per-column]
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModel, encodeModel } from '../../shared/onnx/proto.js';
import { quantizeDynamic } from '../../shared/onnx/quantize.js';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
if (!dir || !existsSync(join(dir, 'onnx'))) {
  console.error('usage: npx tsx models/recipes/quantize.ts <model dir> [--per-column]');
  process.exit(2);
}
const perColumn = args.includes('--per-column');
for (const f of readdirSync(join(dir, 'onnx'))) {
  if (!f.endsWith('.onnx') || f.endsWith('_quantized.onnx')) continue;
  const src = join(dir, 'onnx', f);
  const dst = join(dir, 'onnx', f.replace(/\.onnx$/, '_quantized.onnx'));
  const q = quantizeDynamic(decodeModel(readFileSync(src)), { perColumn });
  writeFileSync(dst, encodeModel(q));
  const mb = (p: string) => (statSync(p).size / 1e6).toFixed(2);
  console.log(`${src} (${mb(src)} MB) → ${dst} (${mb(dst)} MB)${perColumn ? ', per-column scales' : ''}`);
}
