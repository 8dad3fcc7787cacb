/**
 * A request the caller can fix, found before any model work: its code is one of the API's listed
 * codes (../schema/error-codes.ts), which every host maps to its own answer (the worker to that
 * code's status, the CLI to one `error:` line and exit 2).
 */
import type { ErrorCode } from '../schema/error-codes.js';

export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
