/** The colour legend: the same CSS gradient the cells mix from, with 0 / middle / max ticks. */
import { formatWeight, legendTicks } from './lib/color.js';
import type { AttentionEntry } from './lib/types.js';

/** What the colours measure: raw attention weights, or the rollout / flow derived from them. */
export function legendLabel(e: Pick<AttentionEntry, 'derived'>): string {
  return e.derived === 'rollout'
    ? 'Attention rollout'
    : e.derived === 'flow'
      ? 'Attention flow'
      : 'Attention weight';
}

interface Props {
  max: number;
  label: string;
  /** ticks read as fractions of each picture's own maximum (the model view's thumbnails) */
  relative?: boolean;
  /** the colour scale drawn, in words (the canvas matrix's per-row / quantile / linear), with its ticks */
  scale?: { description: string; ticks: string[] };
}

export function Legend({ max, label, relative, scale }: Props) {
  const ticks = scale?.ticks ?? (relative ? ['0', '½ max', 'max'] : legendTicks(max).map(formatWeight));
  const range = scale?.description ?? (relative ? "0 to each head's maximum" : `0 to ${formatWeight(max)}`);
  return (
    <div class="legend">
      <span class="legend-label">
        {label}
        {scale && <span class="legend-scale-name">{scale.description}</span>}
      </span>
      <div class="legend-scale">
        <div class="legend-bar" role="img" aria-label={scale ? range : `Colour scale from ${range}`} />
        <div class="legend-ticks" aria-hidden="true">
          {ticks.map((t) => (
            <span key={t}>{t}</span>
          ))}
        </div>
      </div>
    </div>
  );
}
