/**
 * The Hono app: routes under /v1, open CORS by default (a docs site on another origin calls the API),
 * JSON errors everywhere, security headers and 405s with `Allow`. Static files are served by the
 * assets binding; those that need CORS or security headers (the widget, runner, models, demo page)
 * pass through the worker first (assets.ts).
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { documentJsonSchema } from '../shared/schema/json-schema.js';
import { mountAssets } from './assets.js';
import type { AppEnv } from './env.js';
import { errorResponse, onError } from './errors.js';
import { allowOnly } from './middleware/methods.js';
import { securityHeaders } from './middleware/security-headers.js';
import { openApiDocument } from './openapi.js';
import { openSessions, wasmHeapBytes } from './ort.js';
import { queueStats } from './registry.js';
import { attention } from './routes/attention.js';
import { models } from './routes/models.js';
import { probe } from './routes/probe.js';
import { saliency } from './routes/saliency.js';

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use('*', securityHeaders());
  app.use('*', (c, next) => {
    const allowed = (c.env.CORS_ORIGINS ?? '*').split(',').map((s) => s.trim());
    return cors({
      origin: allowed.includes('*') ? '*' : allowed,
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['Content-Type'],
      maxAge: 86400,
    })(c, next);
  });
  mountAssets(app);
  app.route('/v1/models', models);
  app.route('/v1/attention', attention);
  app.route('/v1/saliency', saliency);
  app.route('/v1/probe', probe);
  app.get('/v1/schema', (c) => c.json(documentJsonSchema()));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  allowOnly(app, ['/v1/attention', '/v1/saliency', '/v1/probe'], ['POST']);
  allowOnly(app, ['/v1/models', '/v1/schema', '/openapi.json'], ['GET']);
  app.get('/v1/_diagnostics', (c) =>
    c.env.DIAGNOSTICS === 'on'
      ? c.json({ wasm_heap_bytes: wasmHeapBytes(), open_sessions: openSessions(), queue: queueStats() })
      : errorResponse(c, 'not_found', 'no such route'),
  );
  app.notFound((c) =>
    errorResponse(c, 'not_found', `no route ${c.req.method} ${new URL(c.req.url).pathname}`),
  );
  app.onError(onError);
  return app;
}
