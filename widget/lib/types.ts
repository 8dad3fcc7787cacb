/**
 * The document types the widget reads. Type-only imports from the shared zod schema keep the widget
 * in step with the contract while zod itself stays out of the bundle (these imports are erased).
 */
import type { AttentionEntry, ExplanationDocument, Token } from '../../shared/schema/document.js';

export type { AttentionEntry, ExplanationDocument, Token };

export type SaliencyEntry = NonNullable<ExplanationDocument['saliency']>[number];
export type HeadStat = NonNullable<ExplanationDocument['head_stats']>[number];
export type AlignmentEntry = NonNullable<ExplanationDocument['alignment']>[number];

/**
 * The attention groups a document can hold; one selector picks among those present. Rollout and
 * flow entries (heads averaged, one matrix per layer) form groups of their own.
 */
export type GroupId =
  | 'encoder-self'
  | 'decoder-self'
  | 'cross'
  | 'encoder-rollout'
  | 'encoder-flow'
  | 'decoder-rollout'
  | 'decoder-flow'
  | 'cross-rollout'
  | 'cross-flow';

/**
 * `mean` / `max` combine the entry's heads (max: element-wise, rows renormalised, as the API does);
 * a number is a model head id (see head_ids); `all` draws every head at once (lines view only).
 */
export type HeadChoice = number | 'mean' | 'max' | 'all';

/** The views the element can show; all read the same document. */
export type ViewKind = 'matrix' | 'model' | 'lines' | 'alignment' | 'saliency' | 'probe';
