/**
 * Errors a caller can fix (bad examples, unknown layer, too much data), with a stable `code` that
 * hosts turn into a 4xx `{ error: { code, message } }`.
 */
export type ProbeErrorCode =
  | 'no_examples'
  | 'too_many_examples'
  | 'empty_example'
  | 'example_too_long'
  | 'labels_mismatch'
  | 'too_many_labels'
  | 'too_many_classes'
  | 'too_few_classes'
  | 'too_few_examples'
  | 'unknown_layer'
  | 'bad_option'
  | 'bad_task_data'
  | 'hidden_states_not_exposed';

export class ProbeInputError extends Error {
  constructor(
    readonly code: ProbeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProbeInputError';
  }
}
