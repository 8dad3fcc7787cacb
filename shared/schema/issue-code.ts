/**
 * A request's first validation failure as the API reports it: its code and a message naming the
 * field. One mapping for every host (the worker's 400s, the CLI's one-line errors).
 */
import type { z } from 'zod';
import { type ErrorCode, isErrorCode } from './error-codes.js';
import { isMisplacedParam } from './saliency-params.js';

/** Codes for the validation failures a caller most often needs to tell apart. */
export function issueCode(issue: z.core.$ZodIssue): ErrorCode {
  // Refinements name their code in `params` (shared/schema/requests.ts).
  if (issue.code === 'custom' && isErrorCode(issue.params?.code)) return issue.params.code;
  const field = issue.path[0];
  if ((field === 'text' || field === 'target_text') && issue.code === 'too_small') return 'empty_text';
  if (issue.code === 'unrecognized_keys')
    return isMisplacedParam(issue.message) ? 'invalid_request' : 'unknown_field';
  return 'invalid_request';
}

export function describeIssue(error: z.ZodError): { code: ErrorCode; where: string; message: string } {
  const issue = error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : 'body';
  return { code: issueCode(issue), where, message: issue.message };
}
