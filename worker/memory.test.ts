/**
 * The isolate's memory after serving every model and the largest inputs. Local workerd does not
 * enforce the 128 MB isolate limit, so we read ORT's wasm heap ourselves.
 */
import { expect, inject, it } from 'vitest';
import { diskReader } from '../node/host.js';
import { loadTokenizer, readModelMeta } from '../shared/runtime/model.js';
import type { TextTokenizer } from '../shared/runtime/tokenizer.js';

const api = inject('apiUrl');
/**
 * What the wasm heap may reach, leaving a 128 MB isolate 32 MB for JavaScript (the response cap
 * keeps a document's JSON under 8 MB). The heap only grows, and the other worker test files (probes,
 * saliency, attention on every model) share this isolate, so the figure is their high-water mark too.
 */
const HEAP_BUDGET_BYTES = 96 * 1024 * 1024;
const WORDS = ['the', 'cat', 'sat', 'on', 'a', 'mat'];

/** The longest text of repeated words whose encoding (special tokens included) fits `limit` tokens. */
function textOf(tokenizer: TextTokenizer, limit: number): { text: string; tokens: number } {
  const make = (n: number) => Array.from({ length: n }, (_, i) => WORDS[i % WORDS.length]).join(' ');
  const count = (n: number) => tokenizer.encode(make(n)).ids.length;
  let [lo, hi] = [1, limit];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (count(mid) <= limit) lo = mid;
    else hi = mid - 1;
  }
  return { text: make(lo), tokens: count(lo) };
}

async function post(path: string, body: unknown) {
  const res = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBe(200);
}

it(`the wasm heap stays under ${HEAP_BUDGET_BYTES / 2 ** 20} MiB after attention and integrated gradients on all models at their token limits`, async () => {
  const listing = await (await fetch(`${api}/v1/models`)).json();
  const models = listing.models as { id: string; family: string; max_tokens: number }[];
  const limits = listing.limits as { max_saliency_tokens: number };
  for (const m of models) {
    const read = diskReader(`dist/site/models/${m.id}`);
    const tokenizer = await loadTokenizer(await readModelMeta(m.id, read), read);
    const attention = textOf(tokenizer, m.max_tokens);
    const salient = textOf(tokenizer, Math.min(m.max_tokens, limits.max_saliency_tokens));
    // the inputs really are at the limits (one word more would be refused)
    expect(attention.tokens, m.id).toBeGreaterThan(m.max_tokens - 3);
    // An encoder-decoder's whole attention at 512 × 511 is over max_response_bytes: its source is at
    // the limit, its target 128 tokens.
    const target = m.family === 'encoder-decoder' ? { target_text: textOf(tokenizer, 128).text } : {};
    await post('/v1/attention', { model: m.id, text: attention.text, encoding: 'u8', ...target });
    // Saliency holds gradient graphs and batches of interpolated inputs besides the forward graphs.
    await post('/v1/saliency', {
      model: m.id,
      text: salient.text,
      method: 'integrated_gradients',
      steps: 32,
      ...(m.family === 'encoder-decoder' ? { target_text: 'the cat' } : {}),
    });
  }
  const { wasm_heap_bytes } = await (await fetch(`${api}/v1/_diagnostics`)).json();
  console.log(
    `wasm heap after serving ${models.length} models at their limits: ${(wasm_heap_bytes / 2 ** 20).toFixed(1)} MiB`,
  );
  expect(wasm_heap_bytes).toBeGreaterThan(0);
  expect(wasm_heap_bytes).toBeLessThan(HEAP_BUDGET_BYTES);
}, 240_000);
