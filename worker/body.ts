/**
 * Reads a JSON request body within the size limit, before anything else looks at it. Only
 * `application/json` is taken: a form or `text/plain` POST is a "simple" request that any web page
 * can make a visitor's browser send without a CORS preflight.
 */

import type { Context } from 'hono';
import type { z } from 'zod';
import { LIMITS } from '../shared/schema/limits.js';
import { concatBytes } from '../shared/util/concat.js';
import { ApiError, validationError } from './errors.js';

const tooLarge = () =>
  new ApiError('body_too_large', `the request body exceeds the limit of ${LIMITS.max_body_bytes} bytes`);

/** `application/json`, with no parameter or `charset=utf-8` (the body is decoded as UTF-8). */
function isJsonMediaType(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => p === '' || /^charset="?utf-8"?$/.test(p));
}

async function readLimited(req: Request): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? 'NaN');
  if (declared > LIMITS.max_body_bytes) throw tooLarge();
  if (!req.body) return new Uint8Array(0);
  // The header may be absent or wrong (chunked uploads): count what actually arrives.
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > LIMITS.max_body_bytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return concatBytes(chunks, size);
}

export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  if (!isJsonMediaType(c.req.header('content-type'))) {
    throw new ApiError(
      'unsupported_media_type',
      `send the body as content-type: application/json, not ${(c.req.header('content-type') ?? 'none').slice(0, 100)}`,
    );
  }
  const bytes = await readLimited(c.req.raw);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ApiError('invalid_json', 'the request body must be a JSON object (UTF-8)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError('invalid_json', 'the request body must be a JSON object');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}
