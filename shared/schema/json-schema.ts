/** JSON Schema of the explanation document and the request bodies, derived from the zod types. */
import { z } from 'zod';
import { ExplanationDocument } from './document.js';
import { AttentionRequest, ProbeRequest, SaliencyRequest } from './requests.js';

/** Computed once: converting is slow enough (hundreds of ms in workerd) to matter per request. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export const documentJsonSchema = once(() =>
  z.toJSONSchema(ExplanationDocument, { target: 'draft-2020-12' }),
);

export const requestJsonSchemas = once(() => ({
  AttentionRequest: z.toJSONSchema(AttentionRequest, { target: 'draft-2020-12', io: 'input' }),
  SaliencyRequest: z.toJSONSchema(SaliencyRequest, { target: 'draft-2020-12', io: 'input' }),
  ProbeRequest: z.toJSONSchema(ProbeRequest, { target: 'draft-2020-12', io: 'input' }),
}));
