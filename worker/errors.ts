/**
 * Errors as the API reports them: `{ "error": { "code", "message" } }`. An ApiError is something the
 * caller can fix (4xx) or a stated server condition; anything else becomes an opaque 500 whose
 * details go to the log, never to the caller.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { ProbeInputError } from '../shared/explain/probe/errors.js';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    /** response headers the condition calls for (e.g. `Retry-After` on a 503) */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Codes for the validation failures a caller most often needs to tell apart. */
function codeFor(issue: z.core.$ZodIssue): string {
  const field = issue.path[0];
  if (field === 'text' || field === 'target_text') {
    if (issue.code === 'too_big') return 'text_too_long';
    if (issue.code === 'too_small') return 'empty_text';
    if (issue.code === 'custom')
      return issue.message.startsWith('must contain') ? 'empty_text' : 'invalid_text';
  }
  if (issue.code === 'unrecognized_keys') return 'unknown_field';
  return 'invalid_request';
}

export function validationError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : 'body';
  return new ApiError(400, codeFor(issue), `${where}: ${issue.message}`);
}

/** Errors the core raises with a code, and the status each maps to. */
const CORE_ERRORS: Record<string, ContentfulStatusCode> = {
  attention_not_exposable: 422,
  unsupported_model_input: 422,
  flow_too_large: 400,
  invalid_target: 400,
  method_not_supported: 400,
  baseline_not_available: 400,
  gradient_not_supported: 422,
};

export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json(errorBody(err.code, err.message), err.status);
  }
  if (err instanceof ProbeInputError) {
    return c.json(errorBody(err.code, err.message), err.code === 'hidden_states_not_exposed' ? 422 : 400);
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code in CORE_ERRORS)
    return c.json(errorBody(code, err.message), CORE_ERRORS[code]);
  console.error('unhandled error', err);
  return c.json(errorBody('internal_error', 'the server failed to handle this request'), 500);
}
