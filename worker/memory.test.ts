/**
 * The isolate's memory after serving every model and the largest inputs. Local workerd does not
 * enforce the 128 MB isolate limit, so we read ORT's wasm heap ourselves.
 */
import { expect, inject, it } from 'vitest';

const api = inject('apiUrl');
/**
 * What the wasm heap may reach, leaving a 128 MB isolate 32 MB for JavaScript (the f32 response limit
 * keeps a document's JSON near 10 MB). The heap only grows, and the other worker test files (probes,
 * saliency, attention on every model) share this isolate, so the figure is their high-water mark too.
 * Measured: 69 MiB (one resident model, one run at a time in the isolate).
 */
const HEAP_BUDGET_BYTES = 96 * 1024 * 1024;

it(`the wasm heap stays under ${HEAP_BUDGET_BYTES / 2 ** 20} MiB after attention and integrated gradients on all models at their token limits`, async () => {
  const listing = await (await fetch(`${api}/v1/models`)).json();
  const models = listing.models as { id: string; family: string; max_tokens: number }[];
  const limits = listing.limits as { max_saliency_tokens: number };
  for (const m of models) {
    const words = Math.floor(m.max_tokens / 2) - 2;
    const text = Array.from({ length: words }, (_, i) => ['the', 'cat', 'sat', 'on', 'mat'][i % 5]).join(' ');
    const body: Record<string, unknown> = { model: m.id, text, encoding: 'u8' };
    if (m.family === 'encoder-decoder') body.target_text = text.slice(0, 200);
    const res = await fetch(`${api}/v1/attention`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    // Saliency holds gradient graphs and batches of interpolated inputs besides the forward graphs.
    const salient = Array.from(
      { length: Math.floor(limits.max_saliency_tokens / 2) - 2 },
      (_, i) => ['the', 'cat', 'sat'][i % 3],
    ).join(' ');
    const ig = {
      model: m.id,
      text: salient,
      method: 'integrated_gradients',
      steps: 32,
      ...(m.family === 'encoder-decoder' ? { target_text: 'the cat' } : {}),
    };
    const res2 = await fetch(`${api}/v1/saliency`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ig),
    });
    expect(res2.status, await res2.clone().text()).toBe(200);
  }
  const { wasm_heap_bytes } = await (await fetch(`${api}/v1/_diagnostics`)).json();
  console.log(
    `wasm heap after serving ${models.length} models: ${(wasm_heap_bytes / 2 ** 20).toFixed(1)} MiB`,
  );
  expect(wasm_heap_bytes).toBeGreaterThan(0);
  expect(wasm_heap_bytes).toBeLessThan(HEAP_BUDGET_BYTES);
});
