/**
 * Saliency explanation: one method's score per input token for one target, with the method's own
 * checks (e.g. integrated gradients' completeness), as an explanation document.
 */
import { DEFAULT_NEW_TOKENS, forward } from '../../runtime/forward.js';
import type { LoadedModel } from '../../runtime/model.js';
import { SALIENCY_PARAM_NAMES } from '../../schema/defaults.js';
import type { ExplanationDocument } from '../../schema/document.js';
import { SCHEMA_ID } from '../../schema/id.js';
import type { SaliencyParams } from '../../schema/requests.js';
import { describeModel, describeOutput } from '../describe.js';
import { faithfulness } from '../reliability/faithfulness.js';
import { saliencyMetrics } from '../reliability/metrics.js';
import { rationaleAgreement } from '../reliability/rationale.js';
import { targetSaturation } from '../saturation.js';
import { type SaliencyContext, saliencyMethod } from './index.js';
import { resolveTarget } from './target.js';

/** The request's parameters of its method (the rest are the common fields). */
function methodParams(o: SaliencyParams): Record<string, unknown> {
  const fields = o as Record<string, unknown>;
  return Object.fromEntries(
    SALIENCY_PARAM_NAMES[o.method].filter((k) => fields[k] !== undefined).map((k) => [k, fields[k]]),
  );
}

export interface SaliencyExtras {
  /** a sentiment lexicon whose words are the known rationale of the model's labels (brown-sentiment) */
  lexicon?: Record<string, number>;
}

export async function explainSaliency(
  model: LoadedModel,
  ctx: SaliencyContext,
  text: string,
  opts: SaliencyParams,
  extras: SaliencyExtras = {},
): Promise<ExplanationDocument> {
  const input = model.tokenizer.encode(text);
  const encDec = model.shape.family === 'encoder-decoder';
  const forwardOptions = {
    target_text: opts.target_text,
    generate: encDec && opts.target_text === undefined ? { max_new_tokens: DEFAULT_NEW_TOKENS } : undefined,
  };
  const result = await forward(model, input, forwardOptions);
  const { tokens, positions, foils, ...described } = resolveTarget(model, result, opts.target);
  const spec = { score: described.score, tokens, positions, foils };
  const method = saliencyMethod(opts.method);
  const attributed = { ids: input.ids, decoderIds: result.target?.decoderIds };
  const a = await method.attribute(ctx, attributed, spec, methodParams(opts));
  const checks = { ...a.checks, ...targetSaturation(spec, a.target) };
  // How far to trust it: the model's response to removing what the explanation ranks first, and,
  // where the true rationale is known, whether the explanation finds it.
  const special = input.tokens.map((t) => t.special);
  const faithful = await faithfulness(ctx, attributed, spec, a.scores, special, { signed: method.signed });
  const rationale =
    extras.lexicon && described.label
      ? rationaleAgreement(text, input.tokens, a.scores, extras.lexicon, described.label, method.signed)
      : undefined;
  // The reliability metrics asked for (none by default): each recomputes the map, so each costs a multiple of it.
  const more = opts.metrics?.length
    ? await saliencyMetrics(
        {
          model,
          ctx,
          text,
          input,
          result,
          forwardOptions,
          method: opts.method,
          params: methodParams(opts),
          attributed,
          spec,
          scores: a.scores,
        },
        opts,
      )
    : {};
  return {
    schema: SCHEMA_ID,
    model: describeModel(model),
    input: { text, tokens: input.tokens },
    output: describeOutput(model, result),
    saliency: [
      {
        method: opts.method,
        target: { ...described, ids: tokens, ...(positions ? { positions } : {}), value: a.target },
        scores: a.scores,
        signed: method.signed,
        params: a.params,
        ...(Object.keys(checks).length ? { checks } : {}),
      },
    ],
    metrics: { faithfulness: faithful, ...(rationale ? { rationale } : {}), ...more },
  };
}
