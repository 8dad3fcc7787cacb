/**
 * The CLI as a user runs it: a child process per command (cli/bin.mjs, the `bin` entry), its
 * documents compared with the core called directly on the same model.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskReader, loadLocal, nodeOrt } from '../node/host.js';
import { explainAttention } from '../shared/explain/attention/document.js';
import { explainSaliency } from '../shared/explain/saliency/document.js';
import { createSaliencyContext } from '../shared/explain/saliency/index.js';
import { readModelMeta } from '../shared/runtime/model.js';
import { createSessionFactory } from '../shared/runtime/session.js';
import type { ExplanationDocument } from '../shared/schema/document.js';

const ROOT = join(import.meta.dirname, '..');
const TINY_BERT = join(ROOT, 'models/generated/tiny-bert');
const TEXT = 'The cat sat on the mat.';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, maxBuffer: 64 * 2 ** 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}
const cli = (...args: string[]) => run(process.execPath, ['cli/bin.mjs', ...args]);

/** The document's JSON, minus what depends on the run (timings). */
function comparable(doc: ExplanationDocument): unknown {
  const { metrics: _metrics, ...rest } = JSON.parse(JSON.stringify(doc)) as ExplanationDocument;
  return rest;
}

function expectOneErrorLine(r: Ran, code: string, exit = 2): void {
  expect(r.code).toBe(exit);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error: ${code}: \\S`));
  expect(r.stderr).not.toMatch(/\n\s+at |Error:/);
}

describe('cli/explain.ts', () => {
  it('prints usage for --help, -h and a subcommand’s --help, and exits 0', async () => {
    const [long, short, saliency] = await Promise.all([cli('--help'), cli('-h'), cli('saliency', '--help')]);
    for (const r of [long, short, saliency]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^usage: attn-heatmap/);
      expect(r.stderr).toBe('');
    }
    expect(long.stdout).toMatch(/^probe:$/m);
    expect(long.stdout).toContain('--analyses');
    expect(saliency.stdout).toContain('--steps');
    expect(saliency.stdout).toContain('--metrics <stability,significance,sanity,agreement>');
    expect(saliency.stdout).not.toMatch(/^attention:$/m);
  });

  it('runs as `npx attn-heatmap` (the package.json bin)', async () => {
    const r = await run('npx', ['--no-install', 'attn-heatmap', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: attn-heatmap/);
  });

  it('attention by served id gives the document the core gives', async () => {
    const r = await cli('--model', 'tiny-bert', '--text', TEXT, '--analyses', 'rollout', '--layers', '1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const model = await loadLocal('tiny-bert', diskReader(TINY_BERT), 'int8');
    const direct = await explainAttention(model, TEXT, {
      encoding: 'u8',
      analyses: ['rollout'],
      layers: [1],
    });
    const doc = JSON.parse(r.stdout) as ExplanationDocument;
    expect(doc.attention?.map((a) => a.layer)).toEqual([1, 1]);
    expect(comparable(doc)).toEqual(comparable(direct));
  });

  it('saliency integrated_gradients gives the scores the core gives, written to --out', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'attn-cli-')), 'doc.json');
    const r = await cli('saliency', '--model', TINY_BERT, '--text', TEXT, '--steps', '8', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const read = diskReader(TINY_BERT);
    const model = await loadLocal('tiny-bert', read, 'int8');
    const meta = await readModelMeta('tiny-bert', read);
    const ctx = await createSaliencyContext(
      { ...meta, precision: 'int8' },
      read,
      createSessionFactory(nodeOrt),
    );
    const direct = await explainSaliency(model, ctx, TEXT, { method: 'integrated_gradients', steps: 8 });
    const doc = JSON.parse(readFileSync(out, 'utf8')) as ExplanationDocument;
    expect(doc.saliency?.[0].method).toBe('integrated_gradients');
    expect(doc.saliency?.[0].scores).toEqual(direct.saliency?.[0].scores);
    expect(doc.saliency?.[0].scores).toHaveLength(doc.input.tokens.length);
  });

  it('probe with the built-in task on two layers gives a probe document', async () => {
    const r = await cli('probe', '--model', 'tiny-bert', '--layers', '0,1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as ExplanationDocument;
    expect(doc.probe?.task).toBe('pos-universal');
    const layers = doc.probe?.layers as { layer: number; accuracy: number }[];
    expect(layers.map((l) => l.layer)).toEqual([0, 1]);
    for (const l of layers) expect(l.accuracy).toBeGreaterThan(0);
  });

  it('refuses an unknown flag, an unknown model and an empty text with one line and exit 2', async () => {
    const [flag, model, empty, steps] = await Promise.all([
      cli('--model', 'tiny-bert', '--text', TEXT, '--bogus', 'x'),
      cli('--model', 'no-such-model', '--text', TEXT),
      cli('--model', 'tiny-bert', '--text', '  '),
      cli('saliency', '--model', 'tiny-bert', '--text', TEXT, '--method', 'gradient', '--steps', '4'),
    ]);
    expectOneErrorLine(flag, 'unknown_field');
    expect(flag.stderr).toContain('--bogus');
    expectOneErrorLine(model, 'unknown_model');
    expect(model.stderr).toContain('no-such-model');
    expectOneErrorLine(empty, 'empty_text');
    // the route's own checks too: a parameter of another method
    expectOneErrorLine(steps, 'invalid_request');
  });

  it('batch: one document or error per JSONL line, in order; a failed line does not stop the others; exit 1 if any failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attn-cli-batch-'));
    const input = join(dir, 'requests.jsonl');
    const out = join(dir, 'docs.jsonl');
    const lines = [
      { kind: 'attention', model: 'tiny-bert', text: TEXT, layers: [1] },
      { kind: 'saliency', model: TINY_BERT, text: TEXT, method: 'integrated_gradients', steps: 8 },
      { kind: 'saliency', model: 'tiny-bert', text: TEXT, method: 'gradient', steps: 4 },
      { model: 'tiny-bert', text: TEXT, encoding: 'f32' },
    ];
    writeFileSync(input, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n\nnot json\n`);
    const r = await cli('batch', '--in', input, '--out', out, '--progress');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const progress = r.stderr.trimEnd().split('\n');
    expect(progress.slice(0, 5).map((l) => l.match(/^\[(\d)\/5\]/)?.[1])).toEqual(['1', '2', '3', '4', '5']);
    expect(progress[5]).toBe('batch: 2 of 5 requests failed (their lines say why)');
    const docs = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(docs).toHaveLength(5);
    expect(docs[0].attention.map((a: { layer: number }) => a.layer)).toEqual([1]);
    expect(docs[0].attention[0].encoding).toBe('u8'); // the CLI's default, as for one command
    const single = await cli('saliency', '--model', TINY_BERT, '--text', TEXT, '--steps', '8');
    expect(docs[1].saliency[0].scores).toEqual(JSON.parse(single.stdout).saliency[0].scores);
    expect(docs[2]).toEqual({
      line: 3,
      error: {
        code: 'invalid_request',
        message: expect.stringContaining('steps applies to integrated_gradients'),
      },
    });
    expect(docs[3].attention[0].encoding).toBe('f32');
    expect(docs[4]).toEqual({ line: 6, error: { code: 'invalid_json', message: 'the line is not JSON' } });
  });

  it('--out view.svg / view.png: the widget’s own export of the view, in headless Chromium', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attn-cli-image-'));
    const [svg, png] = await Promise.all([
      cli('--model', 'tiny-bert', '--text', TEXT, '--out', join(dir, 'view.svg'), '--view', 'matrix'),
      cli(
        'saliency',
        '--model',
        'tiny-bert',
        '--text',
        TEXT,
        '--method',
        'gradient',
        '--out',
        join(dir, 'view.png'),
      ),
    ]);
    for (const r of [svg, png]) expect([r.code, r.stderr]).toEqual([0, '']);
    const text = readFileSync(join(dir, 'view.svg'), 'utf8');
    expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text).toContain('<title>Encoder self-attention, layer 0');
    expect(text.match(/<rect /g)?.length).toBeGreaterThan(9 * 9); // one per cell of the 9-token matrix, and more
    const bytes = readFileSync(join(dir, 'view.png'));
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('reports a model folder whose graph is missing as model_unavailable, exit 1, one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attn-cli-model-'));
    for (const f of readdirSync(TINY_BERT).filter((f) => f.endsWith('.json'))) {
      copyFileSync(join(TINY_BERT, f), join(dir, f));
    }
    const r = await cli('--model', dir, '--text', TEXT);
    expectOneErrorLine(r, 'model_unavailable', 1);
    expect(r.stderr).toContain('model_quantized.onnx');
  });
});
