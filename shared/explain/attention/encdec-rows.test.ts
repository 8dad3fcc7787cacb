/**
 * Encoder-decoder row convention: decoder row i is the step whose prediction is output.tokens[i]
 * (the start token is fed only; under forced decoding the last row predicts end-of-sequence). Pinned on
 * brown-seq2seq's held-out pairs: gold links indexed by output.tokens reproduce the card's AER.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskReader, loadLocal } from '../../../node/host.js';
import { explainAttention } from './document.js';

const dir = join(import.meta.dirname, '../../../models/brown-seq2seq');
const card = existsSync(join(dir, 'metrics.json'))
  ? JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'))
  : {};

interface Row {
  task: string;
  kind: string;
  text: string;
  target: string;
  target_ids: number[];
  links: [number, number][];
  src_owner: number[];
  tgt_owner: number[];
}

describe.runIf(existsSync(join(dir, 'onnx', 'encoder_model.onnx')))('encoder-decoder rows', () => {
  const rows: Row[] = readFileSync(join(dir, 'heldout.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((r: Row) => r.kind === 'sentence');

  it('labels row i with the token it predicts, and word AER from output.tokens matches the card', async () => {
    const m = await loadLocal('brown-seq2seq', diskReader(dir), 'fp32');
    for (const task of ['translate', 'summarize']) {
      let hit = 0;
      let na = 0;
      let ns = 0;
      for (const r of rows.filter((x) => x.task === task)) {
        const doc = await explainAttention(m, r.text, { target_text: r.target, aggregate: 'mean' });
        const out = doc.output?.tokens ?? [];
        // the target pieces, then end-of-sequence: what each forced step is trained to predict
        expect(out.map((t) => t.id)).toEqual(r.target_ids);
        const rowsOf = doc.attention?.find((a) => a.kind === 'cross')?.rows;
        expect(rowsOf).toBe(out.length);
        const last = doc.alignment?.at(-2); // last decoder layer (the final entry is the layer mean)
        const gold = new Set(r.links.map(([t, s]) => `${t}:${s}`));
        const pred = new Set<string>();
        for (const [t, s] of last?.links ?? []) {
          // gold indexed by output.tokens: output token t belongs to target word tgt_owner[t]
          const o = r.tgt_owner[t] ?? -1;
          const w = r.src_owner[s] ?? -1;
          if (o >= 0 && w >= 0) pred.add(`${o}:${w}`);
        }
        for (const p of pred) if (gold.has(p)) hit++;
        na += pred.size;
        ns += gold.size;
      }
      const aer = 1 - (2 * hit) / (na + ns);
      expect(Math.abs(aer - card.sample?.[`${task}_aer`])).toBeLessThanOrEqual(0.03);
    }
  }, 120_000);
});
