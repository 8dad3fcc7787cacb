/**
 * Which batch a gradient run should take, by measurement (issue 17): brown-sentiment on
 * onnxruntime-web WASM (1 thread), fp32 and int8 (the dequantized surrogate's gradient), the time
 * per example of E gradient examples run as batches of b, as a ratio to batch 1, medians of
 * per-round ratios (rounds interleaved). E = 32 up to 64 tokens, 8 beyond (a 256-token batch 1
 * takes ~0.3 s). shared/explain/saliency/batch-size.ts caps batch × tokens by what this shows.
 *
 *   npx tsx bench/ig-batch.ts [fp32,int8] [16,64,256]
 */
import * as ort from 'onnxruntime-web';
import { kindOf } from '../shared/explain/targets.js';
import { createSessionFactory, type OrtModule } from '../shared/runtime/session.js';
import { Rng } from '../shared/util/random.js';
import { brownContext, brownExample } from './lib/brown.js';
import { median } from './lib/timing.js';

ort.env.wasm.numThreads = 1;
const factory = createSessionFactory(ort as unknown as OrtModule);
const precs = (process.argv[2] ?? 'fp32,int8').split(',') as ('fp32' | 'int8')[];
const lens = (process.argv[3] ?? '16,64,256').split(',').map(Number);
for (const precision of precs) {
  const { ctx } = await brownContext(factory, precision);
  for (const n of lens) {
    const E = n <= 64 ? 32 : 8;
    const { input, target } = brownExample(n, new Rng(n), ctx.embedding.vocab);
    const p = ctx.program(kindOf(target));
    const x = ctx.embed(input.ids);
    const all = new Float32Array(E * x.length);
    for (let k = 0; k < E; k++)
      all.set(
        x.map((v) => v * ((k + 0.5) / E)),
        k * x.length,
      );
    const bs = [1, 2, 4, 8, 16, 32].filter((b) => b <= E);
    const ones: number[] = [];
    const ratios = new Map<number, number[]>(bs.slice(1).map((b) => [b, []]));
    const runAll = async (b: number) => {
      const t0 = performance.now();
      for (let f = 0; f < E; f += b)
        await p.gradient(all.subarray(f * x.length, (f + b) * x.length), b, input, target);
      return (performance.now() - t0) / E;
    };
    for (const b of bs) await runAll(b);
    for (let r = 0; r < (n <= 64 ? 5 : 3); r++) {
      const one = await runAll(1);
      ones.push(one);
      for (const b of bs.slice(1)) ratios.get(b)?.push((await runAll(b)) / one);
    }
    console.log(
      precision,
      n,
      'b1 ms/example',
      median(ones).toFixed(2),
      bs
        .slice(1)
        .map((b) => `b${b} ${median(ratios.get(b) ?? []).toFixed(2)}x`)
        .join(' '),
    );
  }
}
