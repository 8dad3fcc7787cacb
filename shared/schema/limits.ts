/** Request limits, named in `GET /v1/models` and enforced before any model work starts. */
export const LIMITS = {
  /** bytes of a request body */
  max_body_bytes: 64 * 1024,
  /** UTF-16 code units of `text` or `target_text` */
  max_text_chars: 4000,
  /** tokens of the input (after tokenisation, special tokens included); a model may set fewer */
  max_tokens: 512,
  /** tokens a greedy `generate` may add */
  max_new_tokens: 64,
  /** tokens a saliency request may have: each needs a forward and a backward pass per step */
  max_saliency_tokens: 256,
  /** integrated gradients' quadrature steps */
  max_steps: 256,
  /** SmoothGrad's noisy samples */
  max_samples: 64,
  /** labelled examples a probe request may send */
  max_probe_examples: 500,
  /** attention weights an `f32` response may hold (heads · rows · cols over all entries, ~10 bytes each in JSON); use `u8` or fewer layers and heads beyond it */
  max_f32_weights: 1_000_000,
  /** estimated CPU of one saliency or probe request, in ms (shared/schema/work.ts): under the Worker's `cpu_ms` of 30,000 with margin; past it, `work_too_large` */
  max_work: 20_000,
  /** model calls an isolate holds waiting behind the one running; past it a request gets 503 `busy` with `Retry-After` */
  max_queued_requests: 8,
} as const;
export type Limits = typeof LIMITS;

/** Tokens past which attention flow (n² exact max-flow problems) is refused. */
export const FLOW_MAX_TOKENS = 32;
