/**
 * Headers every API response carries: `nosniff`, so a browser never reads a JSON answer (or an error
 * echoing the caller's text) as HTML or script, and no `Referer` sent on from links the caller follows.
 * A header a route set itself is kept (the demo page's Referrer-Policy, worker/assets.ts).
 */
import type { MiddlewareHandler } from 'hono';

export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

export const securityHeaders = (): MiddlewareHandler => async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS))
    if (!c.res.headers.has(name)) c.res.headers.set(name, value);
};
