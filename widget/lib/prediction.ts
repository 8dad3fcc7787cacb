/**
 * The model's prediction as a one-line header: the label and its probability for a classifier,
 * the output text for a model that wrote (or was given) one, else the most likely next token.
 * Runner-up labels or tokens follow, so a close call reads as one.
 */
import type { ExplanationDocument } from './types.js';

export interface Prediction {
  /** "Prediction", "Output" or "Next token" */
  lead: string;
  value: string;
  /** probability of `value`, when the document gives one */
  p?: number;
  /** the next most likely labels or tokens, best first */
  others: { value: string; p: number }[];
}

const RUNNERS_UP = 2;
const quote = (t: string) => `‘${t}’`;

export function prediction(doc: ExplanationDocument): Prediction | null {
  const out = doc.output;
  if (!out) return null;
  if (out.text !== undefined && out.text !== '') return { lead: 'Output', value: out.text, others: [] };
  if (out.label === undefined) return null;
  const token = doc.model.family !== 'encoder';
  const show = token ? quote : (t: string) => t;
  const ranked = Object.entries(out.scores ?? {})
    .filter(([, p]) => Number.isFinite(p))
    .sort((a, b) => b[1] - a[1]);
  return {
    lead: token ? 'Next token' : 'Prediction',
    value: show(out.label),
    p: out.scores?.[out.label],
    others: ranked
      .filter(([l]) => l !== out.label)
      .slice(0, RUNNERS_UP)
      .map(([l, p]) => ({ value: show(l), p })),
  };
}

export const formatP = (p: number): string => p.toFixed(2);

/** The whole line as plain text (the header's tooltip and its accessible reading). */
export function predictionText(x: Prediction): string {
  const head = `${x.lead}: ${x.value}${x.p !== undefined ? ` ${formatP(x.p)}` : ''}`;
  return [head, ...x.others.map((o) => `${o.value} ${formatP(o.p)}`)].join(' · ');
}
