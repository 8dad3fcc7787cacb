import { describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../../models/tiny/bert.js';
import { nodeSessionFactory } from '../../../node/host.js';
import { readModelMeta } from '../../runtime/model.js';
import type { SessionFactory } from '../../runtime/session.js';
import { createSaliencyContext } from './index.js';
import { integratedGradients } from './integrated-gradients.js';
import { warmUpSaliency } from './warm-up.js';

/** A factory that counts the sessions it opens and the runs they make. */
function counting(base: SessionFactory) {
  const n = { sessions: 0, runs: 0 };
  const factory: SessionFactory = {
    ort: base.ort,
    async create(bytes) {
      const s = await base.create(bytes);
      n.sessions++;
      return {
        ...s,
        inputNames: s.inputNames,
        outputNames: s.outputNames,
        run: (f, o) => {
          n.runs++;
          return s.run(f, o);
        },
      };
    },
  };
  return { factory, n };
}

describe('warmUpSaliency', () => {
  it('opens and runs the gradient program integrated gradients then uses, so IG opens nothing more', async () => {
    const { files } = buildTinyBert();
    const read = async (path: string) => {
      const f = files[path];
      if (f === undefined) throw new Error(`no file ${path}`);
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    };
    const meta = await readModelMeta('tiny', read);
    const { factory, n } = counting(nodeSessionFactory());
    const ctx = await createSaliencyContext({ ...meta, precision: 'fp32' }, read, factory);
    const report = await warmUpSaliency(ctx, { runs: 3, budgetMs: 60_000 });
    expect(report.runs).toBe(3);
    expect(n.sessions).toBe(1);
    expect(n.runs).toBe(3);
    await integratedGradients.attribute(
      ctx,
      { ids: [5, 6, 7, 8] },
      { score: 'logit', tokens: [1] },
      { steps: 4 },
    );
    expect(n.sessions).toBe(1);
  });
});
