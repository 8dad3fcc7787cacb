/**
 * The document types the widget reads. Type-only imports from the shared zod schema keep the widget
 * in step with the contract while zod itself stays out of the bundle (these imports are erased).
 */
import type { AttentionEntry, ExplanationDocument, Token } from '../../shared/schema/document.js';

export type { AttentionEntry, ExplanationDocument, Token };

/** The attention groups a document can hold; one selector picks among those present. */
export type GroupId = 'encoder-self' | 'decoder-self' | 'cross';

/** `mean` averages all heads in the entry; a number is a model head id (see head_ids). */
export type HeadChoice = number | 'mean';
