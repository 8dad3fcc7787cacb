import { describe, expect, it } from 'vitest';
import { buildTinyBert } from '../../../models/tiny/bert.js';
import { memoryReader, nodeOrt } from '../../../node/host.js';
import { readModelMeta } from '../../runtime/model.js';
import { createSessionFactory } from '../../runtime/session.js';
import { createSaliencyContext } from '../saliency/index.js';
import { faithfulness } from './faithfulness.js';
import { rationaleAgreement } from './rationale.js';

const tok = (text: string, start: number, special = false) => ({
  text,
  start,
  end: start + text.length,
  special,
});

describe('rationaleAgreement', () => {
  const text = 'a good and happy day, not bad';
  const tokens = [
    tok('[CLS]', 0, true),
    tok('a', 0),
    tok('good', 2),
    tok('and', 7),
    tok('happy', 11),
    tok('day', 17),
    tok(',', 20),
    tok('not', 22),
    tok('bad', 26),
  ];
  const lexicon = { good: 0.5, happy: 0.8, bad: -0.6 };

  it('is 1 when the top words are the rationale, and states the random expectation', () => {
    const scores = [0, 0, 0.9, 0, 0.7, 0.1, 0, 0, -0.5];
    const r = rationaleAgreement(text, tokens, scores, lexicon, 'positive', true)!;
    expect(r.rationale).toEqual(['good', 'happy']);
    expect(r.precision).toBe(1);
    expect(r.random_precision).toBeCloseTo(2 / 7, 12);
  });

  it('is 0 when the explanation points elsewhere, and undefined without a rationale', () => {
    const scores = [0, 0.9, 0, 0.8, 0, 0, 0, 0, 0];
    expect(rationaleAgreement(text, tokens, scores, lexicon, 'positive', true)!.precision).toBe(0);
    expect(
      rationaleAgreement('plain words', [tok('plain', 0)], [1], lexicon, 'positive', true),
    ).toBeUndefined();
  });
});

describe('faithfulness', () => {
  it('removing the tokens a ranking puts first moves the target; an exact inverse ranking scores lower', async () => {
    const files = buildTinyBert().files;
    const read = memoryReader(files);
    const meta = await readModelMeta('tiny-bert', read);
    const ctx = await createSaliencyContext(
      { ...meta, precision: 'fp32' },
      read,
      createSessionFactory(nodeOrt),
    );
    const ids = [2, 40, 41, 42, 43, 44, 45, 3];
    const special = ids.map((_, i) => i === 0 || i === ids.length - 1);
    const target = { score: 'probability' as const, tokens: [0] };
    const input = { ids };
    // Occlusion scores are the drops themselves: ranking by them must beat ranking against them.
    const program = ctx.program({ score: 'probability' });
    const x = ctx.embed(ids);
    const [fx] = await program.forward(x, 1, input, target);
    const drops: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const y = x.slice();
      y.fill(0, i * ctx.embedding.hidden, (i + 1) * ctx.embedding.hidden);
      drops.push(fx - (await program.forward(y, 1, input, target))[0]);
    }
    const good = await faithfulness(ctx, input, target, drops, special, { signed: true, fractions: [0.2] });
    const bad = await faithfulness(
      ctx,
      input,
      target,
      drops.map((d) => -d),
      special,
      { signed: true, fractions: [0.2] },
    );
    expect(good.target).toBeCloseTo(fx, 5);
    expect(good.comprehensiveness).toBeGreaterThan(bad.comprehensiveness);
    const again = await faithfulness(ctx, input, target, drops, special, { signed: true, fractions: [0.2] });
    expect(again).toEqual(good);
  });
});
