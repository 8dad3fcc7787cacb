/**
 * 405 for a method a route does not take, with the `Allow` header RFC 9110 asks for, so that e.g.
 * `PUT /v1/models` says what would work instead of answering 404.
 */
import type { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { errorResponse } from '../errors.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Answers every method outside `allow` (OPTIONS is the CORS middleware's) on `paths` with a 405. */
export function allowOnly(app: Hono<AppEnv>, paths: string[], allow: ('GET' | 'POST')[]): void {
  // A GET route answers HEAD too (Hono runs the GET handler for it).
  const allowed: string[] = allow.includes('GET') ? [...allow, 'HEAD'] : [...allow];
  const others = METHODS.filter((m) => !allowed.includes(m));
  app.on(others, paths, (c) => {
    c.header('Allow', [...allowed, 'OPTIONS'].join(', '));
    return errorResponse(
      c,
      'method_not_allowed',
      `${c.req.method} is not allowed on ${new URL(c.req.url).pathname}; use ${allow.join(' or ')}`,
    );
  });
}
