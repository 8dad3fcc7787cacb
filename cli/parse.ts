/**
 * A command line → the subcommand, the host's options and the request body, validated by the same
 * zod schema the API's route uses. Every refusal is a CliError with the API's code.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { describeIssue } from '../shared/schema/issue-code.js';
import { AttentionRequest, ProbeRequest, SaliencyRequest } from '../shared/schema/requests.js';
import { CliError } from './cli-error.js';
import { ALIASES, COMMANDS, type Command, type Flag, flagsOf } from './flags.js';

export type Precision = 'int8' | 'fp32';

export interface Run {
  help: false;
  command: Command;
  /** the model as given: a folder or an id */
  model: string;
  precision: Precision;
  out?: string;
  /** `--out` an image: the widget's view to draw (default: the one the document opens on) */
  view?: string;
  request: AttentionRequest | SaliencyRequest | ProbeRequest;
}

/** `batch --in requests.jsonl`: one request per line (./batch.ts). */
export interface Batch {
  help: false;
  command: 'batch';
  in: string;
  precision: Precision;
  out?: string;
  progress: boolean;
}

export type Parsed = { help: true; command?: Command | 'batch' } | Run | Batch;

const SCHEMAS: Record<Command, z.ZodType> = {
  attention: AttentionRequest,
  saliency: SaliencyRequest,
  probe: ProbeRequest,
};

/** What the CLI fills in where the API has no default or another one (the CLI's earlier behaviour). */
const CLI_DEFAULTS: Record<Command, Record<string, unknown>> = {
  attention: { encoding: 'u8' },
  saliency: { method: 'integrated_gradients' },
  probe: {},
};

/** Every flag of every command, so that the parser knows which take a value. */
const ALL_OPTIONS = Object.fromEntries([
  ...COMMANDS.flatMap((c) => [
    ...flagsOf(c).map((f) => [f.name, { type: f.kind === 'boolean' ? 'boolean' : 'string' }] as const),
    ...Object.keys(ALIASES[c] ?? {}).map((a) => [a, { type: 'string' }] as const),
  ]),
  ['help', { type: 'boolean', short: 'h' }],
]) as Record<string, { type: 'string' | 'boolean'; short?: string }>;

const NUMBER = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
/** A number where the text is one; otherwise the text, for the schema to refuse by name. */
const toNumber = (s: string): number | string => (NUMBER.test(s.trim()) ? Number(s) : s);

function convert(flag: Flag, raw: string): unknown {
  switch (flag.kind) {
    case 'number':
      return toNumber(raw);
    case 'numbers':
      return raw.split(',').map(toNumber);
    case 'strings':
      return raw.split(',').map((s) => s.trim());
    case 'json-file':
      try {
        return JSON.parse(readFileSync(raw, 'utf8'));
      } catch (e) {
        throw new CliError(
          'invalid_json',
          `--${flag.name}: ${raw} is not a readable JSON file (${(e as Error).message})`,
        );
      }
    default:
      return raw;
  }
}

function setPath(body: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = body;
  for (const k of keys.slice(0, -1)) {
    o[k] ??= {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

/** The flag a request field came from, for messages in the user's terms. */
function flagFor(flags: Flag[], where: string): string | undefined {
  const f = flags
    .filter((f) => f.field && (where === f.field || where.startsWith(`${f.field}.`)))
    .sort((a, b) => (b.field?.length ?? 0) - (a.field?.length ?? 0))[0];
  return f && `--${f.name}`;
}

function precisionOf(value: string | true | undefined): Precision {
  const precision = value ?? 'int8';
  if (precision !== 'int8' && precision !== 'fp32') {
    throw new CliError('invalid_request', `--precision: "${precision}" is not int8 or fp32`);
  }
  return precision;
}

/**
 * A request body (flags already converted, or a batch line) validated by its route's schema; a
 * refusal names the flag the field came from, where there is one.
 */
export function toRequest(
  command: Command,
  body: Record<string, unknown>,
  flags: Flag[] = [],
): Run['request'] {
  const parsed = SCHEMAS[command].safeParse(body);
  if (!parsed.success) {
    const { code, where, message } = describeIssue(parsed.error);
    const flag = flagFor(flags, where);
    const missing =
      flag &&
      where.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], body) === undefined;
    throw new CliError(code, missing ? `${flag} is required` : `${flag ?? where}: ${message}`);
  }
  return parsed.data as Run['request'];
}

/** The request fields the CLI fills where the API has none or another default. */
export const cliDefaults = (command: Command) => CLI_DEFAULTS[command];

function parseBatch(argv: string[]): Parsed {
  const { values, positionals } = parseArgs({
    args: argv.slice(1),
    options: {
      in: { type: 'string' },
      out: { type: 'string' },
      precision: { type: 'string' },
      progress: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: false,
    allowPositionals: true,
  });
  const unknown = Object.keys(values).find(
    (k) => !['in', 'out', 'precision', 'progress', 'help'].includes(k),
  );
  if (unknown)
    throw new CliError('unknown_field', `unknown flag --${unknown} for batch; see attn-heatmap batch --help`);
  if (positionals.length) throw new CliError('invalid_request', `unexpected argument "${positionals[0]}"`);
  if (values.help) return { help: true, command: 'batch' };
  if (typeof values.in !== 'string')
    throw new CliError('invalid_request', '--in is required (a JSONL file of requests)');
  return {
    help: false,
    command: 'batch',
    in: values.in,
    out: typeof values.out === 'string' ? values.out : undefined,
    precision: precisionOf(values.precision as string | undefined),
    progress: values.progress === true,
  };
}

export function parse(argv: string[]): Parsed {
  if (argv[0] === 'batch') return parseBatch(argv);
  const { tokens } = parseArgs({
    args: argv,
    options: ALL_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const first = tokens.find((t) => t.kind === 'positional')?.value;
  const command = (COMMANDS.includes(first as Command) ? first : 'attention') as Command;
  const flags = flagsOf(command);
  const byName = new Map(flags.map((f) => [f.name, f]));
  const aliases = ALIASES[command] ?? {};
  const values = new Map<string, string | true>();
  // flags first: an unknown flag's value reads as a positional argument
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const name = t.name === 'h' ? 'help' : (aliases[t.name] ?? t.name);
    const flag = byName.get(name);
    if (!flag) {
      throw new CliError(
        'unknown_field',
        `unknown flag ${t.rawName} for ${command}; see attn-heatmap ${command} --help`,
      );
    }
    if (flag.kind === 'boolean') values.set(name, true);
    else if (t.value === undefined) throw new CliError('invalid_request', `--${name} needs a value`);
    else values.set(name, t.value);
  }
  const positionals = tokens.filter((t) => t.kind === 'positional').map((t) => t.value);
  if (first !== undefined && first !== command) {
    throw new CliError(
      'invalid_request',
      `unknown command "${first}"; the commands are ${COMMANDS.join(', ')}`,
    );
  }
  if (positionals.length > 1) {
    throw new CliError(
      'invalid_request',
      `unexpected argument "${positionals[1]}" (quote a text with spaces)`,
    );
  }
  if (values.has('help')) return { help: true, command: first as Command | undefined };

  const model = values.get('model');
  if (typeof model !== 'string')
    throw new CliError('invalid_request', '--model is required (a folder or a model id)');
  const precision = precisionOf(values.get('precision'));
  // the request names the model by its id: a folder's name
  const body: Record<string, unknown> = { model: basename(model), ...CLI_DEFAULTS[command] };
  for (const [name, raw] of values) {
    const flag = byName.get(name);
    if (flag?.field && typeof raw === 'string') setPath(body, flag.field, convert(flag, raw));
  }
  const request = toRequest(command, body, flags);
  const out = values.get('out');
  const view = values.get('view');
  return {
    help: false,
    command,
    model,
    precision,
    out: typeof out === 'string' ? out : undefined,
    view: typeof view === 'string' ? view : undefined,
    request,
  };
}
