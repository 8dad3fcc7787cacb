/**
 * The CLI's subcommands and flags. Each flag names the request field it fills (the API's field, as
 * shared/schema/requests.ts validates it): the values are only converted here, never checked, so a
 * command line is refused for exactly what a request body would be refused for.
 */
import { z } from 'zod';
import { DEFAULT_METRIC_SAMPLES, DEFAULT_PERTURBATIONS, METRICS } from '../shared/schema/defaults.js';
import { methodsTaking, SALIENCY_METHODS, SALIENCY_PARAMS } from '../shared/schema/saliency-params.js';

export type Command = 'attention' | 'saliency' | 'probe';
export const COMMANDS: readonly Command[] = ['attention', 'saliency', 'probe'];

type Kind = 'boolean' | 'string' | 'number' | 'numbers' | 'strings' | 'json-file';

export interface Flag {
  name: string;
  /** the request field, a dotted path for nested ones (`target.label`); none for the host's own flags */
  field?: string;
  kind: Kind;
  value?: string;
  help: string;
}

/** The host's own flags, not request fields. */
const HOST: Flag[] = [
  {
    name: 'model',
    kind: 'string',
    value: 'folder|id',
    help: 'a model folder, or an id in models/, models/generated/ or dist/site/models/',
  },
  { name: 'precision', kind: 'string', value: 'int8|fp32', help: 'which ONNX files to run (default int8)' },
  {
    name: 'out',
    kind: 'string',
    value: 'file',
    help: 'write the document here (default: stdout); .svg or .png: the widget’s view as an image (Chromium)',
  },
  {
    name: 'view',
    kind: 'string',
    value: 'name',
    help: 'with an image --out: matrix, model, lines, alignment, saliency or probe',
  },
  { name: 'help', kind: 'boolean', help: 'print this help (also -h)' },
];

const TEXT: Flag = { name: 'text', field: 'text', kind: 'string', value: 'text', help: 'the input text' };
const TARGET_TEXT: Flag = {
  name: 'target-text',
  field: 'target_text',
  kind: 'string',
  value: 'text',
  help: 'encoder-decoder: the output to decode (forced decoding)',
};

/** One flag per saliency method parameter, with the schema's description and the methods that take it. */
function methodParamFlags(): Flag[] {
  const shapes: Record<string, z.ZodOptional> = Object.assign({}, ...Object.values(SALIENCY_PARAMS));
  return Object.entries(shapes).map(([field, type]): Flag => {
    const inner = type.unwrap();
    const options = inner instanceof z.ZodEnum ? (inner.options as string[]) : undefined;
    return {
      name: field,
      field,
      kind: options ? 'string' : 'number',
      value: options ? options.join('|') : 'n',
      help: `${methodsTaking(field).join(', ')}: ${type.description}`,
    };
  });
}

/** The reliability metrics' fields, on attention and saliency alike (shared/schema/metrics.ts). */
const METRIC_FLAGS: Flag[] = [
  {
    name: 'metrics',
    field: 'metrics',
    kind: 'strings',
    value: METRICS.join(','),
    help: 'trust figures to compute beside the explanation (default none)',
  },
  {
    name: 'perturbations',
    field: 'perturbations',
    kind: 'number',
    value: 'n',
    help: `stability: perturbations (default ${DEFAULT_PERTURBATIONS})`,
  },
  {
    name: 'metric-samples',
    field: 'metric_samples',
    kind: 'number',
    value: 'n',
    help: `significance: random inputs in the null (default ${DEFAULT_METRIC_SAMPLES})`,
  },
];

export const FLAGS: Record<Command, Flag[]> = {
  attention: [
    TEXT,
    TARGET_TEXT,
    {
      name: 'layers',
      field: 'layers',
      kind: 'numbers',
      value: '0,1',
      help: 'layers to return (default all)',
    },
    { name: 'heads', field: 'heads', kind: 'numbers', value: '0,1', help: 'heads to return (default all)' },
    {
      name: 'encoding',
      field: 'encoding',
      kind: 'string',
      value: 'u8|f32',
      help: 'weights as bytes or floats (default u8)',
    },
    {
      name: 'aggregate',
      field: 'aggregate',
      kind: 'string',
      value: 'none|mean|max',
      help: 'combine the selected heads',
    },
    {
      name: 'analyses',
      field: 'analyses',
      kind: 'strings',
      value: 'rollout,flow',
      help: 'further entries per stack',
    },
    {
      name: 'max-new-tokens',
      field: 'generate.max_new_tokens',
      kind: 'number',
      value: 'n',
      help: 'encoder-decoder: greedy decoding of up to n tokens',
    },
    {
      name: 'gold-alignment',
      field: 'gold_alignment',
      kind: 'json-file',
      value: 'file.json',
      help: 'encoder-decoder: [output, input] pairs; the alignment error rate is reported',
    },
    ...METRIC_FLAGS,
  ],
  saliency: [
    TEXT,
    TARGET_TEXT,
    {
      name: 'method',
      field: 'method',
      kind: 'string',
      value: 'name',
      help: `${SALIENCY_METHODS.join(', ')} (default integrated_gradients)`,
    },
    ...methodParamFlags(),
    {
      name: 'label',
      field: 'target.label',
      kind: 'string',
      value: 'name',
      help: 'classifier: the class to explain',
    },
    {
      name: 'token',
      field: 'target.token',
      kind: 'string',
      value: 'text',
      help: 'decoder: the next token to explain',
    },
    {
      name: 'foil',
      field: 'target.foil',
      kind: 'string',
      value: 'label',
      help: 'explain score(target) − score(foil)',
    },
    {
      name: 'score',
      field: 'target.score',
      kind: 'string',
      value: 'logit|probability|log_probability',
      help: 'the score explained',
    },
    ...METRIC_FLAGS,
  ],
  probe: [
    {
      name: 'task',
      field: 'task',
      kind: 'string',
      value: 'pos|pos_fine',
      help: 'the built-in Brown part-of-speech task (default pos)',
    },
    {
      name: 'layers',
      field: 'layers',
      kind: 'numbers',
      value: '0,1',
      help: 'built-in task: layers (0 = embeddings; default all)',
    },
    {
      name: 'examples',
      field: 'examples',
      kind: 'json-file',
      value: 'file.json',
      help: 'your own data: [{"text": …, "labels": [one per word]}, …]',
    },
    { name: 'layer', field: 'layer', kind: 'number', value: 'n', help: 'examples: the one layer to probe' },
    {
      name: 'probe',
      field: 'probe',
      kind: 'string',
      value: 'linear|mlp',
      help: 'the probe (default linear)',
    },
    {
      name: 'features',
      field: 'features',
      kind: 'string',
      value: 'first|mean',
      help: 'word features from sub-words',
    },
    { name: 'seed', field: 'seed', kind: 'number', value: 'n', help: 'the training seed (default 0)' },
  ],
};

/** Flags that earlier versions took, under their present names. */
export const ALIASES: Partial<Record<Command, Record<string, string>>> = {
  attention: { target: 'target-text' },
};

export function flagsOf(command: Command): Flag[] {
  return [HOST[0], ...FLAGS[command], ...HOST.slice(1)];
}

const USAGE_HEAD = `usage: attn-heatmap [attention|saliency|probe] --model <folder|id> [flags]
       attn-heatmap batch --in requests.jsonl (see batch --help)
       (in the repository: npx attn-heatmap …, npm run explain -- …, or npx tsx cli/explain.ts …)

Writes an explanation document (JSON) that <attn-heatmap data="doc.json"> shows. The command
defaults to attention. Flags are the API's request fields (POST /v1/<command>).`;

export const BATCH_USAGE = `usage: attn-heatmap batch --in requests.jsonl [--out docs.jsonl] [--precision int8|fp32] [--progress]

One request per line: {"kind": "attention"|"saliency"|"probe", "model": "<folder|id>", …the route's
fields}; one document per output line, or {"line": n, "error": {"code", "message"}}. Exit 1 if any failed.
`;

export function usage(command?: Command): string {
  const commands = command ? [command] : COMMANDS;
  const blocks = commands.map((c) => {
    const lines = flagsOf(c).map((f) => {
      const left = `  --${f.name}${f.value ? ` <${f.value}>` : ''}`;
      return `${left.padEnd(34)} ${f.help}`;
    });
    return `${c}:\n${lines.join('\n')}`;
  });
  return `${USAGE_HEAD}\n\n${blocks.join('\n\n')}\n`;
}
