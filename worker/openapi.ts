/** The OpenAPI 3.1 description of the API, with schemas taken from the shared zod types. */
import { documentJsonSchema, requestJsonSchemas } from '../shared/schema/json-schema.js';

const error = {
  description: 'an error the caller can fix (4xx) or a server failure (5xx, without details)',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

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
      description: 'Attention, saliency and probing of Transformer models at the edge.',
    },
    paths: {
      '/v1/models': {
        get: {
          summary: 'the models served here, their shapes and the request limits',
          responses: { 200: { description: 'models and limits' } },
        },
      },
      '/v1/attention': {
        post: {
          summary: 'attention of every layer and head (self and cross) on a text',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/AttentionRequest' } } },
          },
          responses: { 200: document, 400: error, 404: error, 413: error, 422: error, 500: error },
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
          responses: { 200: document, 400: error, 404: error, 413: error, 422: error, 500: error },
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
          responses: { 200: document, 400: error, 404: error, 413: error, 422: error, 500: error },
        },
      },
      '/v1/schema': {
        get: {
          summary: 'JSON Schema of the explanation document',
          responses: { 200: { description: 'a JSON Schema' } },
        },
      },
    },
    components: { schemas: { ExplanationDocument: documentJsonSchema(), ...requestJsonSchemas() } },
  };
}
