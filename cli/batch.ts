/**
 * Batch mode, for a docs build: `attn-heatmap batch --in requests.jsonl --out docs.jsonl`. Each input
 * line is one request, `{ "kind": "attention" | "saliency" | "probe", "model": <folder|id>, …the
 * route's fields }` (kind defaults to attention); each output line is its document, or
 * `{ "line": n, "error": { "code", "message" } }`, in the input's order. A line that fails does not
 * stop the others; each model is opened once for the whole file.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isErrorCode } from '../shared/schema/error-codes.js';
import { CliError } from './cli-error.js';
import { COMMANDS, type Command } from './flags.js';
import { type Batch, cliDefaults, toRequest } from './parse.js';
import { run } from './run.js';

export interface BatchResult {
  total: number;
  failed: number;
}

function requestOf(line: string, precision: Batch['precision']) {
  let body: unknown;
  try {
    body = JSON.parse(line);
  } catch {
    throw new CliError('invalid_json', 'the line is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new CliError('invalid_json', 'the line is not a JSON object');
  const { kind = 'attention', model, ...fields } = body as Record<string, unknown>;
  if (!COMMANDS.includes(kind as Command))
    throw new CliError('invalid_request', `kind: "${String(kind)}" is not one of ${COMMANDS.join(', ')}`);
  if (typeof model !== 'string' || !model)
    throw new CliError('invalid_request', 'model: a folder or an id is required');
  const command = kind as Command;
  const request = toRequest(command, { ...cliDefaults(command), ...fields, model: basename(model) });
  return { help: false as const, command, model, precision, request };
}

const errorLine = (line: number, e: unknown) => {
  const err = e as { code?: unknown; message?: string };
  const code = isErrorCode(err.code) ? err.code : 'internal_error';
  return { line, error: { code, message: (err.message ?? String(e)).split('\n')[0] } };
};

export async function runBatch(cmd: Batch, progress: (msg: string) => void): Promise<BatchResult> {
  let text: string;
  try {
    text = readFileSync(cmd.in, 'utf8');
  } catch (e) {
    throw new CliError('invalid_request', `--in: ${cmd.in} is not readable (${(e as Error).message})`);
  }
  const lines = text.split('\n').flatMap((l, i) => (l.trim() ? [{ n: i + 1, l }] : []));
  const out = cmd.out ? createWriteStream(cmd.out) : process.stdout;
  let failed = 0;
  for (const [k, { n, l }] of lines.entries()) {
    const started = performance.now();
    let result: unknown;
    let what = `line ${n}`;
    try {
      const one = requestOf(l, cmd.precision);
      what = `${one.command} ${one.request.model}`;
      result = await run(one);
    } catch (e) {
      failed++;
      result = errorLine(n, e);
    }
    out.write(`${JSON.stringify(result)}\n`);
    const ms = (performance.now() - started).toFixed(0);
    progress(
      `[${k + 1}/${lines.length}] ${what}: ${result && 'error' in (result as object) ? 'failed' : 'ok'}, ${ms} ms`,
    );
  }
  if (out !== process.stdout)
    await new Promise<void>((resolve) => (out as NodeJS.WritableStream).end(resolve));
  return { total: lines.length, failed };
}
