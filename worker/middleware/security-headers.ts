/**
 * Headers every API response carries: `nosniff`, so a browser never reads a JSON answer (or an error
 * echoing the caller's text) as HTML or script, and no `Referer` sent on from links the caller follows.
 * Static assets are served before the worker runs and get their headers elsewhere.
 */
import type { MiddlewareHandler } from 'hono';

export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

export const securityHeaders = (): MiddlewareHandler => async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
};
