/**
 * Every error code the API answers with, its HTTP status and what it means: the one list that
 * worker/errors.ts maps statuses from, OpenAPI shows, and README's table is tested against
 * (shared/schema/error-codes.test.ts). A code thrown anywhere must be a key here.
 */
export const ERROR_CODES = {
  invalid_json: { status: 400, meaning: 'the body is not a JSON object in UTF-8' },
  invalid_request: { status: 400, meaning: 'a field has the wrong type or value, or fields conflict' },
  unknown_field: { status: 400, meaning: 'a field the route does not take' },
  empty_text: { status: 400, meaning: '`text` (or `target_text`) is empty or only white space' },
  text_too_long: { status: 400, meaning: 'a text over `max_text_chars` UTF-16 code units' },
  invalid_text: { status: 400, meaning: 'a text with a lone UTF-16 surrogate' },
  too_many_tokens: { status: 400, meaning: "a text over the route's or the model's token limit" },
  duplicate_index: { status: 400, meaning: '`layers` or `heads` names the same index twice' },
  layer_out_of_range: { status: 400, meaning: 'a layer the model does not have' },
  head_out_of_range: { status: 400, meaning: 'a head the model does not have' },
  alignment_out_of_range: {
    status: 400,
    meaning: '`gold_alignment` names an output row or input token past the counts of this request',
  },
  target_not_supported: {
    status: 400,
    meaning: '`target_text`, `generate` or `gold_alignment` sent to a model that is not encoder-decoder',
  },
  response_too_large: {
    status: 400,
    meaning: 'the attention response would exceed `max_response_bytes`: ask for fewer layers or heads, or u8',
  },
  work_too_large: {
    status: 400,
    meaning:
      'a saliency or probe request whose estimated CPU exceeds `max_work`: fewer steps, samples or tokens',
  },
  flow_too_large: { status: 400, meaning: 'attention flow asked for on more tokens than it allows' },
  invalid_target: {
    status: 400,
    meaning: 'a saliency `target` (label, token or foil) the model cannot score',
  },
  method_not_supported: { status: 400, meaning: 'a saliency method this model cannot run' },
  baseline_not_available: { status: 400, meaning: "a `baseline` the model's tokenizer has no token for" },
  no_examples: { status: 400, meaning: 'a probe request without examples' },
  too_many_examples: { status: 400, meaning: 'more probe examples than `max_probe_examples`' },
  empty_example: { status: 400, meaning: 'a probe example without text' },
  example_too_long: {
    status: 400,
    meaning: "a probe example over the word limit or the model's token limit",
  },
  labels_mismatch: { status: 400, meaning: 'a probe example without one non-empty label per word' },
  too_many_labels: { status: 400, meaning: 'more probe labels in all than the probe takes' },
  too_many_classes: { status: 400, meaning: 'more distinct probe labels than the probe takes' },
  too_few_classes: { status: 400, meaning: 'probe examples with fewer than two distinct labels' },
  too_few_examples: { status: 400, meaning: 'too few probe examples to split into train, dev and test' },
  unknown_layer: { status: 400, meaning: 'a probe layer the model does not have' },
  bad_option: { status: 400, meaning: 'a probe option with a value it does not take' },
  not_found: { status: 404, meaning: 'no such route' },
  unknown_model: { status: 404, meaning: 'a model this deployment does not serve (see GET /v1/models)' },
  method_not_allowed: { status: 405, meaning: 'an HTTP method the route does not take (see `Allow`)' },
  body_too_large: { status: 413, meaning: 'a body over `max_body_bytes`' },
  unsupported_media_type: {
    status: 415,
    meaning: 'a POST body not sent as `content-type: application/json` (charset, if given, utf-8)',
  },
  attention_not_exposable: {
    status: 422,
    meaning:
      "the model's attention is fused into an operator the unfuse rewrite cannot express (the message names it)",
  },
  fused_op_not_supported: {
    status: 422,
    meaning:
      'a fused operator with an input or attribute the unfuse rewrite cannot express (the message names both)',
  },
  values_not_exposable: {
    status: 422,
    meaning:
      'an attention block whose value vectors or residual stream the context-mixing rewrite cannot find',
  },
  hidden_states_not_exposed: {
    status: 422,
    meaning: 'the model has no graph whose hidden states can be probed',
  },
  hidden_states_not_exposable: { status: 422, meaning: "the model's residual stream could not be found" },
  unsupported_model_input: { status: 422, meaning: 'the model needs an input the API cannot feed' },
  gradient_not_supported: { status: 422, meaning: "the model's graph has an operator without a gradient" },
  bad_task_data: { status: 500, meaning: "the deployment's built-in probe data is broken" },
  internal_error: { status: 500, meaning: 'the server failed; the details go to its log, not to the caller' },
  model_unavailable: {
    status: 503,
    meaning: "a served model's files are missing or do not parse; the cause goes to the log",
  },
  busy: {
    status: 503,
    meaning: 'more than `max_queued_requests` model calls wait on this instance; retry after `Retry-After` s',
  },
  client_disconnected: {
    status: 503,
    meaning: 'the client closed the connection before its queued work began (no one reads this answer)',
  },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}
