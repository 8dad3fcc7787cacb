/**
 * Errors as the API reports them: `{ "error": { "code", "message" } }`. An ApiError is something the
 * caller can fix (4xx) or a stated server condition; anything else becomes an opaque 500 whose
 * details go to the log, never to the caller. Statuses come from the one list of codes
 * (shared/schema/error-codes.ts).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode, isErrorCode } from '../shared/schema/error-codes.js';

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** response headers the condition calls for (e.g. `Retry-After` on a 503) */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = statusOf(code);
  }
}

export function statusOf(code: ErrorCode): ContentfulStatusCode {
  return ERROR_CODES[code].status as ContentfulStatusCode;
}

export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}

/** An error response with the status its code is listed with. */
export function errorResponse(c: Context, code: ErrorCode, message: string): Response {
  return c.json(errorBody(code, message), statusOf(code));
}

/** Codes for the validation failures a caller most often needs to tell apart. */
function codeFor(issue: z.core.$ZodIssue): ErrorCode {
  // Refinements name their code in `params` (shared/schema/requests.ts).
  if (issue.code === 'custom' && isErrorCode(issue.params?.code)) return issue.params.code;
  const field = issue.path[0];
  if ((field === 'text' || field === 'target_text') && issue.code === 'too_small') return 'empty_text';
  if (issue.code === 'unrecognized_keys') return 'unknown_field';
  return 'invalid_request';
}

export function validationError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : 'body';
  return new ApiError(codeFor(issue), `${where}: ${issue.message}`);
}

export function onError(err: Error, c: Context): Response {
  // ApiError, and the core's errors (ProbeInputError, InvalidTargetError, …), carry a listed code.
  if (err instanceof ApiError) for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  const code = (err as { code?: unknown }).code;
  if (isErrorCode(code) && code !== 'internal_error') return errorResponse(c, code, err.message);
  console.error('unhandled error', err);
  return errorResponse(c, 'internal_error', 'the server failed to handle this request');
}
