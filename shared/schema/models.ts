/** The GET /v1/models response (zod), read by the typed client; worker/routes/models.ts builds it. */
import { z } from 'zod';
import { ModelFamily } from './document.js';
import type { Limits } from './limits.js';

export const ServedModel = z.object({
  id: z.string(),
  family: ModelFamily,
  layers: z.number().int(),
  heads: z.number().int(),
  encoder_layers: z.number().int().optional(),
  encoder_heads: z.number().int().optional(),
  labels: z.array(z.string()).optional(),
  max_tokens: z.number().int(),
});
export type ServedModel = z.infer<typeof ServedModel>;

export const ModelsResponse = z.object({
  models: z.array(ServedModel),
  unavailable: z.array(z.string()).optional().describe('served models whose files are missing or broken'),
  limits: z.custom<Limits>((v) => typeof v === 'object' && v !== null),
});
export type ModelsResponse = z.infer<typeof ModelsResponse>;
