/** One interface for every saliency method (captum's `attribute()`), and what they return. */
import type { ModelFamily } from '../../schema/document.js';
import type { TargetSpec } from '../targets.js';
import type { SaliencyContext } from './context.js';

export interface AttributionInput {
  /** the attributed tokens: the model's input ids (encoder-decoder: the source) */
  ids: number[];
  /** encoder-decoder: the decoder's ids, start token first (forced decoding of the output explained) */
  decoderIds?: number[];
}

export interface Attribution {
  /** one score per input token */
  scores: number[];
  /** per-element attributions or gradients [tokens · hidden], where the method has them */
  raw?: Float32Array;
  /** the target's value at the input */
  target: number;
  /** self-checks, e.g. integrated gradients' completeness_error */
  checks?: Record<string, number>;
  /** the parameters used, defaults filled in */
  params: Record<string, unknown>;
}

export interface SaliencyMethod<P extends object = Record<string, unknown>> {
  /** the API name, e.g. `integrated_gradients` */
  name: string;
  /** false for forward-only methods (occlusion), which work where gradients are refused */
  needsGradient: boolean;
  /** the model families it is implemented for; every family where absent (GET /v1/models lists them) */
  families?: readonly ModelFamily[];
  defaults: P;
  /** whether scores are signed (diverging colour scale) or magnitudes */
  signed: boolean;
  attribute(
    ctx: SaliencyContext,
    input: AttributionInput,
    target: TargetSpec,
    params?: Partial<P>,
  ): Promise<Attribution>;
}
