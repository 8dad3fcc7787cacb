/** The OpenAPI 3.1 description of the API, with schemas taken from the shared zod types. */
import { ERROR_CODES } from '../shared/schema/error-codes.js';
import { documentJsonSchema, requestJsonSchemas } from '../shared/schema/json-schema.js';

/** The error body, its `code` one of the listed codes (shared/schema/error-codes.ts). */
const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', enum: Object.keys(ERROR_CODES) }, message: { type: 'string' } },
    },
  },
};

/** One response per status the list uses, naming the codes that come with it. */
function errorResponses(): Record<string, unknown> {
  const byStatus = new Map<number, string[]>();
  for (const [code, { status }] of Object.entries(ERROR_CODES))
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      status,
      {
        description: `${status >= 500 ? 'a server failure, without details' : 'an error the caller can fix'}: ${codes.join(', ')}`,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
}

const document = {
  description: 'an explanation document',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ExplanationDocument' } } },
};

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'attn-heatmap API',
      version: '1.0.0',
      description:
        'Attention, saliency and probing of Transformer models at the edge. POST bodies are JSON, sent as ' +
        '`content-type: application/json` (anything else is 415 `unsupported_media_type`); ' +
        '`x-error-codes` lists every error code with its status and meaning.',
    },
    paths: {
      '/v1/models': {
        get: {
          summary: 'the models served here, their shapes and the request limits',
          responses: {
            200: {
              description:
                'models and limits; a served model whose files are broken is named under `unavailable` (its routes answer 503 model_unavailable)',
            },
            405: errorResponses()[405],
          },
        },
      },
      '/v1/attention': {
        post: {
          summary: 'attention of every layer and head (self and cross) on a text',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/AttentionRequest' } } },
          },
          responses: { 200: document, ...errorResponses() },
        },
      },
      '/v1/saliency': {
        post: {
          summary:
            'attribution of a prediction to the input tokens (gradient, gradient × input, integrated gradients, SmoothGrad, occlusion)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/SaliencyRequest' } } },
          },
          responses: { 200: document, ...errorResponses() },
        },
      },
      '/v1/probe': {
        post: {
          summary:
            'probing: per-layer accuracy of a linear (or MLP) probe, with a control task and a baseline',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ProbeRequest' } } },
          },
          responses: { 200: document, ...errorResponses() },
        },
      },
      '/v1/schema': {
        get: {
          summary: 'JSON Schema of the explanation document',
          responses: { 200: { description: 'a JSON Schema' }, 405: errorResponses()[405] },
        },
      },
      '/openapi.json': {
        get: {
          summary: 'this OpenAPI description',
          responses: { 200: { description: 'OpenAPI 3.1' }, 405: errorResponses()[405] },
        },
      },
    },
    'x-error-codes': ERROR_CODES,
    components: {
      schemas: { ExplanationDocument: documentJsonSchema(), Error: errorSchema, ...requestJsonSchemas() },
    },
  };
}
