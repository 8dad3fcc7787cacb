/**
 * A battery of hostile requests in workerd: every field of every route given values of the wrong
 * type, out of range or oversized, unknown and prototype-polluting keys, malformed bodies, and odd
 * methods and paths. Each must be answered cleanly: a JSON error with a listed code and a 4xx status
 * (or, for a value that happens to be valid, a 200 document), never a 5xx, never a stack trace or a
 * file path; and the isolate must come out of it computing the same documents as before.
 */
import { describe, expect, inject, it } from 'vitest';
import { ERROR_CODES } from '../shared/schema/error-codes.js';

const api = inject('apiUrl');

type Body = Record<string, unknown>;
interface Case {
  name: string;
  path: string;
  method?: string;
  body?: string | Uint8Array;
  contentType?: string | null;
}

const WRONG_TYPES: unknown[] = [null, true, [], {}, 'x', 1.5, -1, 1e308];
const STRING_FIELD: unknown[] = [...WRONG_TYPES, '', 'NOPE', 'x'.repeat(10_000)];
const INT_FIELD: unknown[] = [...WRONG_TYPES, '1', 2 ** 53, -0.5];
const TEXT_FIELD: unknown[] = [...WRONG_TYPES, '', '   ', '\ud800 lone surrogate', 'x'.repeat(4001)];
const INDEX_LIST: unknown[] = [...WRONG_TYPES, [-1], [1.5], ['0'], [0, 0], [99_999], Array(300).fill(1)];
const OBJECT_FIELD: unknown[] = [...WRONG_TYPES, { unknown: 1 }, { __proto__: { polluted: 1 } }];

/** Valid bodies on the cheapest models, and the bad values each field is tried with. */
const ROUTES: { path: string; base: Body; fields: Record<string, unknown[]> }[] = [
  {
    path: '/v1/attention',
    base: { model: 'tiny-bert', text: 'the old laws were never enforced', encoding: 'u8' },
    fields: {
      model: [...STRING_FIELD, '../../wrangler.toml', '__proto__', 'constructor'],
      text: TEXT_FIELD,
      layers: INDEX_LIST,
      heads: INDEX_LIST,
      encoding: STRING_FIELD,
      aggregate: STRING_FIELD,
      analyses: [...WRONG_TYPES, ['flow', 'flow', 'rollout'], ['nope']],
      gold_alignment: [...WRONG_TYPES, [[0]], [[0, 0, 0]], [[-1, 0]], [[0, 0]], Array(5000).fill([0, 0])],
      target_text: TEXT_FIELD,
      generate: [...OBJECT_FIELD, { max_new_tokens: 0 }, { max_new_tokens: 10_000 }],
    },
  },
  {
    path: '/v1/saliency',
    base: { model: 'tiny-bert', text: 'the old laws were never enforced', method: 'gradient' },
    fields: {
      model: STRING_FIELD,
      text: TEXT_FIELD,
      method: STRING_FIELD,
      target: [...OBJECT_FIELD, { label: {} }, { label: 'no such label' }, { token: 3 }, { score: 'nope' }],
      target_text: TEXT_FIELD,
      steps: INT_FIELD,
      baseline: STRING_FIELD,
      samples: INT_FIELD,
      noise: [...WRONG_TYPES.filter((v) => typeof v !== 'number'), -1, 2, 1e308],
      seed: INT_FIELD,
    },
  },
  {
    path: '/v1/probe',
    base: { model: 'tiny-bert', task: 'pos', layers: [1] },
    fields: {
      model: STRING_FIELD,
      task: STRING_FIELD,
      examples: [
        ...WRONG_TYPES,
        [{}],
        [{ text: 'a b', labels: ['X'] }],
        Array(501).fill({ text: 'a', labels: ['A'] }),
      ],
      layers: INDEX_LIST,
      layer: INT_FIELD,
      probe: STRING_FIELD,
      features: STRING_FIELD,
      seed: INT_FIELD,
    },
  },
];

function fieldCases(): Case[] {
  const cases: Case[] = [];
  for (const { path, base, fields } of ROUTES) {
    for (const [field, values] of Object.entries(fields))
      for (const value of values)
        cases.push({
          name: `${path} ${field}=${JSON.stringify(value)?.slice(0, 40)}`,
          path,
          body: JSON.stringify({ ...base, [field]: value }),
        });
    for (const extra of [
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"zzz":1}',
    ])
      cases.push({
        name: `${path} extra key ${extra}`,
        path,
        body: `${JSON.stringify(base).slice(0, -1)},${extra.slice(1)}`,
      });
  }
  return cases;
}

const RAW_BODIES: [string, string | Uint8Array][] = [
  ['empty', ''],
  ['null', 'null'],
  ['an array', '[]'],
  ['a number', '1'],
  ['a string', '"text"'],
  ['truncated', '{"model":'],
  ['deep nesting', `${'['.repeat(30_000)}${']'.repeat(30_000)}`],
  ['over the body limit', `{"model":"tiny-bert","text":"${'a '.repeat(40_000)}"}`],
  ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ['a NUL in a key', '{"mo\u0000del":"tiny-bert","text":"hi"}'],
  ['NaN', '{"model":"tiny-bert","text":"hi","seed":NaN}'],
  ['a comment', '{"model":"tiny-bert" /* hi */,"text":"hi"}'],
];

function transportCases(): Case[] {
  const cases: Case[] = [];
  for (const path of ['/v1/attention', '/v1/saliency', '/v1/probe']) {
    for (const [name, body] of RAW_BODIES) cases.push({ name: `${path} body ${name}`, path, body });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', null])
      cases.push({ name: `${path} as ${contentType}`, path, body: '{}', contentType });
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'])
      cases.push({ name: `${method} ${path}`, path, method });
  }
  for (const path of [
    '/v1/attention/',
    '/v1//attention',
    '/v1/attention/../models',
    '/%2e%2e/wrangler.toml',
    '/widget/..%2f..%2fwrangler.toml',
    '/models/..%2f..%2fpackage.json',
    `/v1/${'a'.repeat(8000)}`,
    '/v1/models?__proto__[x]=1',
  ])
    cases.push({ name: `GET ${path.slice(0, 60)}`, path, method: 'GET' });
  return cases;
}

async function send(c: Case) {
  const method = c.method ?? 'POST';
  const headers: Record<string, string> = {};
  const contentType = c.contentType === undefined ? 'application/json' : c.contentType;
  if (contentType && method === 'POST') headers['content-type'] = contentType;
  const res = await fetch(`${api}${c.path}`, {
    method,
    headers,
    body: method === 'POST' ? ((c.body ?? '') as BodyInit) : undefined,
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    cache: res.headers.get('x-cache'),
    text: await res.text(),
  };
}

/** Why an answer is not clean, or undefined if it is. */
function unclean(r: Awaited<ReturnType<typeof send>>): string | undefined {
  if (r.status >= 500) return `status ${r.status}`;
  if (/\bat .+:\d+:\d+|node_modules|\/work\/|\.ts:\d+|wrangler\.toml\b.*\[vars\]/.test(r.text))
    return 'a stack trace or a file path';
  if (r.status === 200) return r.type.startsWith('application/json') ? undefined : `200 as ${r.type}`;
  if (r.status < 400) return `status ${r.status}`;
  let code: unknown;
  try {
    code = JSON.parse(r.text).error?.code;
  } catch {
    return 'an error that is not JSON';
  }
  if (typeof code !== 'string' || !(code in ERROR_CODES)) return `unlisted code ${String(code)}`;
  if (ERROR_CODES[code as keyof typeof ERROR_CODES].status !== r.status)
    return `code ${code} with status ${r.status}`;
  return undefined;
}

const reference = {
  model: 'tiny-bert',
  text: 'the jury said it did find that',
  method: 'integrated_gradients',
};
// The same request with its defaults spelled out: another cache key, so it is computed afresh.
const spelledOut = { ...reference, steps: 32, baseline: 'zero' };

describe('hostile requests', () => {
  const cases = [...fieldCases(), ...transportCases()];

  it(`all ${cases.length} are answered cleanly, and the isolate computes the same documents after them`, async () => {
    const before = await send({ name: 'reference', path: '/v1/saliency', body: JSON.stringify(reference) });
    expect(before.status).toBe(200);
    const bad: string[] = [];
    let errors = 0;
    // a few at a time: enough to overlap, not so many that the queue limit answers 503 busy
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4);
      const answers = await Promise.all(batch.map(send));
      answers.forEach((r, j) => {
        if (r.status >= 400) errors++;
        const why = unclean(r);
        if (why) bad.push(`${batch[j].name}: ${why}: ${r.text.slice(0, 160)}`);
      });
    }
    expect(bad).toEqual([]);
    // most of the battery must be refused (a battery that mostly passes validation tests little)
    expect(errors / cases.length).toBeGreaterThan(0.9);
    const after = await send({ name: 'reference', path: '/v1/saliency', body: JSON.stringify(spelledOut) });
    expect([after.status, after.cache]).toEqual([200, 'miss']);
    const doc = (t: string) => {
      const { timings: _t, ...rest } = JSON.parse(t);
      return rest;
    };
    expect(doc(after.text)).toEqual(doc(before.text));
  }, 240_000);
});
