/**
 * Large explanation documents made at test time (never committed): n tokens, u8-encoded like the
 * API sends them. Each head has a recognisable shape (a local band, a column it always looks at, a
 * stride) plus seeded noise, so thumbnails and screenshots show structure rather than static.
 */

/** mulberry32, as in the fixture generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LargeOptions {
  layers?: number;
  heads?: number;
  /** also measure the JSON length the same document takes with f32 encoding (slow at 1,024 tokens) */
  f32Bytes?: boolean;
  /** emit f32 nested arrays instead of u8 (small n only: checks the f32Bytes arithmetic) */
  f32?: boolean;
}

export interface LargeDocument {
  doc: Record<string, unknown>;
  /** JSON length with u8 encoding */
  u8Bytes: number;
  /** JSON length with f32 encoding (numbers as float32 values), when asked for */
  f32Bytes?: number;
}

const WORDS = [
  'the',
  'model',
  'looks',
  'at',
  'every',
  'token',
  'and',
  'weighs',
  'its',
  'neighbours',
  ',',
  '.',
];

export function largeDocument(n: number, opts: LargeOptions = {}): LargeDocument {
  const layers = opts.layers ?? 4;
  const heads = opts.heads ?? 4;
  const rand = rng(n * 31 + layers);
  const pieces = [
    '[CLS]',
    ...Array.from({ length: n - 2 }, (_, i) => WORDS[(i * 7 + (i >> 3)) % WORDS.length]),
    '[SEP]',
  ];
  let text = '';
  const tokens = pieces.map((p, i) => {
    if (i === 0 || i === n - 1) return { text: p, start: text.length, end: text.length, special: true };
    if (text) text += ' ';
    const start = text.length;
    text += p;
    return { text: p, start, end: text.length, special: false };
  });
  const row = new Float64Array(n);
  let f32Numbers = 0;
  const attention = Array.from({ length: layers }, (_, layer) => {
    const bytes = new Uint8Array(heads * n * n);
    const floats: number[][][] = [];
    for (let h = 0; h < heads; h++) {
      const kind = (layer + h) % 4;
      const width = 1 + ((h + layer) % 3) * 2;
      const stride = 8 << (h % 3);
      for (let r = 0; r < n; r++) {
        let sum = 0;
        for (let c = 0; c < n; c++) {
          let v = 0.02 * rand();
          const d = Math.abs(r - c);
          if (kind === 0 && d <= width) v += 1 / (1 + d);
          if (kind === 1 && c === 0) v += 4;
          if (kind === 2 && c % stride === r % stride) v += 0.5;
          if (kind === 3 && c === r - 1) v += 3;
          if (kind === 3 && c === n - 1) v += 1;
          row[c] = v;
          sum += v;
        }
        const base = (h * n + r) * n;
        if (opts.f32) {
          floats[h] ??= [];
          floats[h].push(Array.from(row, (v) => Math.fround(v / sum)));
        }
        for (let c = 0; c < n; c++) {
          const p = row[c] / sum;
          bytes[base + c] = Math.round(255 * p);
          if (opts.f32Bytes) f32Numbers += JSON.stringify(Math.fround(p)).length;
        }
      }
    }
    return {
      kind: 'self',
      stack: 'encoder',
      layer,
      heads,
      rows: n,
      cols: n,
      encoding: opts.f32 ? 'f32' : 'u8',
      data: opts.f32 ? floats : Buffer.from(bytes).toString('base64'),
    };
  });
  const doc = {
    schema: 'attn-heatmap/explanation@1',
    model: { id: `synthetic-${n}`, family: 'encoder', layers, heads },
    input: { text, tokens },
    attention,
  };
  const json = JSON.stringify(doc);
  const out: LargeDocument = { doc, u8Bytes: json.length };
  if (opts.f32Bytes) {
    // f32 data is [head][row][col] nested arrays (numbers, commas, brackets) instead of a base64 string.
    const perEntry = bracketsAndCommas(heads, n);
    const base64 = attention.reduce((s, e) => s + (e.data as string).length + 2, 0);
    const encodingDelta = layers * ('"f32"'.length - '"u8"'.length);
    out.f32Bytes = json.length - base64 + f32Numbers + layers * perEntry + encodingDelta;
  }
  return out;
}

/** Characters of `[[[a,b],[c,d]],…]` other than the numbers, for heads × n × n values, plus commas between values. */
function bracketsAndCommas(heads: number, n: number): number {
  const row = 2 + (n - 1); // [ ] and commas between values
  const head = 2 + n * row + (n - 1);
  return 2 + heads * head + (heads - 1);
}
