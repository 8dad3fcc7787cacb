/** JSON Schema of the explanation document and the request bodies, derived from the zod types. */
import { z } from 'zod';
import { ExplanationDocument } from './document.js';
import { AttentionRequest } from './requests.js';

export const documentJsonSchema = () => z.toJSONSchema(ExplanationDocument, { target: 'draft-2020-12' });

export const requestJsonSchemas = () => ({
  AttentionRequest: z.toJSONSchema(AttentionRequest, { target: 'draft-2020-12', io: 'input' }),
});
