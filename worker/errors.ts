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
import { describeIssue } from '../shared/schema/issue-code.js';

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

export function validationError(error: z.ZodError): ApiError {
  const { code, where, message } = describeIssue(error);
  return new ApiError(code, `${where}: ${message}`);
}

export function onError(err: Error, c: Context): Response {
  // ApiError, and the core's errors (ProbeInputError, InvalidTargetError, …), carry a listed code.
  if (err instanceof ApiError) for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  const code = (err as { code?: unknown }).code;
  if (isErrorCode(code) && code !== 'internal_error') return errorResponse(c, code, err.message);
  console.error('unhandled error', err);
  return errorResponse(c, 'internal_error', 'the server failed to handle this request');
}
