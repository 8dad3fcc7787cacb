/** An error the CLI reports as one line, `error: <code>: <message>`, with the exit status it names. */
import type { ErrorCode } from '../shared/schema/error-codes.js';

/** 2: the user can fix the command line or the input; 1: the run itself failed. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

export class CliError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}
