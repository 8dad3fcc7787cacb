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
  /** meaning-preserving perturbations the stability metric may recompute the explanation on */
  max_perturbations: 16,
  /** random inputs the significance metric's null may take (each one more explanation) */
  max_metric_samples: 32,
  /** labelled examples a probe request may send */
  max_probe_examples: 500,
  /**
   * bytes an attention response may reach, estimated from the weights it would hold (every entry,
   * heads · rows · cols, analyses and encoder-decoder groups included) times RESPONSE_BYTES_PER_WEIGHT
   * of its encoding; refused before any model work. 8 MB: 800,000 weights in `f32`, 6,000,000 in `u8`
   */
  max_response_bytes: 8_000_000,
  /** estimated CPU of one saliency or probe request, in ms (shared/schema/work.ts): under the Worker's `cpu_ms` of 30,000 with margin; past it, `work_too_large` */
  max_work: 20_000,
  /** model calls an isolate holds waiting behind the one running; past it a request gets 503 `busy` with `Retry-After` */
  max_queued_requests: 8,
} as const;
export type Limits = typeof LIMITS;

/** Tokens past which attention flow (n² exact max-flow problems) is refused. */
export const FLOW_MAX_TOKENS = 32;

/** What one attention weight costs in a response: `f32` ~10 bytes of JSON number, `u8` one byte in base64. */
export const RESPONSE_BYTES_PER_WEIGHT = { f32: 10, u8: 4 / 3 } as const;
