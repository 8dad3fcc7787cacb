/** The document's schema id, in a module of its own so that producers need not bundle zod. */
export const SCHEMA_ID = 'attn-heatmap/explanation@1';
