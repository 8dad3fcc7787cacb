/**
 * The CLI: explanation documents from the command line, with the core the API runs, for static
 * sites (`<attn-heatmap data="doc.json">`) and scripts. `attn-heatmap --help` lists the flags:
 *
 *   npx tsx cli/explain.ts [attention] --model tiny-bert --text "The cat sat." [--analyses rollout]
 *   npx tsx cli/explain.ts saliency --model tiny-bert --text "The cat sat." --method occlusion
 *   npx tsx cli/explain.ts probe --model tiny-bert --layers 0,1 --out probe.json
 *   npx tsx cli/explain.ts batch --in requests.jsonl --out docs.jsonl --progress
 *
 * Errors are one line on stderr, `error: <code>: <message>` with the API's codes; exit 2 for what the
 * command line or the input can fix, 1 for a run that failed.
 */
import { writeFileSync } from 'node:fs';
import { ERROR_CODES, isErrorCode } from '../shared/schema/error-codes.js';
import { runBatch } from './batch.js';
import { EXIT_FAILURE, EXIT_USAGE } from './cli-error.js';
import { BATCH_USAGE, usage } from './flags.js';
import { imageFormatOf, renderImage } from './image.js';
import { parse } from './parse.js';
import { run } from './run.js';

function fail(err: unknown): never {
  const e = err as { code?: unknown; message?: string; exitCode?: number };
  const code = isErrorCode(e.code) ? e.code : 'internal_error';
  const message = (e.message ?? String(err)).split('\n')[0];
  process.stderr.write(`error: ${code}: ${message}\n`);
  // what the API answers with a 4xx (the core's and the checks' coded errors) is the input's fault
  process.exit(e.exitCode ?? (ERROR_CODES[code].status < 500 ? EXIT_USAGE : EXIT_FAILURE));
}

try {
  const cmd = parse(process.argv.slice(2));
  if (cmd.help) {
    process.stdout.write(cmd.command === 'batch' ? BATCH_USAGE : usage(cmd.command));
  } else if (cmd.command === 'batch') {
    // progress on stderr where someone watches it (a terminal) or asks for it
    const show = cmd.progress || process.stderr.isTTY;
    const { total, failed } = await runBatch(cmd, (m) => show && process.stderr.write(`${m}\n`));
    if (failed) {
      process.stderr.write(`batch: ${failed} of ${total} requests failed (their lines say why)\n`);
      process.exit(EXIT_FAILURE);
    }
  } else {
    const doc = await run(cmd);
    const image = imageFormatOf(cmd.out);
    if (cmd.out && image) writeFileSync(cmd.out, await renderImage(doc, image, cmd.view));
    else if (cmd.out) writeFileSync(cmd.out, JSON.stringify(doc));
    else process.stdout.write(`${JSON.stringify(doc)}\n`);
  }
} catch (err) {
  fail(err);
}
