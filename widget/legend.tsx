/** The colour legend: the same CSS gradient the cells mix from, with 0 / middle / max ticks. */
import { formatWeight, legendTicks } from './lib/color.js';

export function Legend({ max }: { max: number }) {
  const ticks = legendTicks(max);
  return (
    <div class="legend">
      <span class="legend-label">Attention weight</span>
      <div class="legend-scale">
        <div class="legend-bar" role="img" aria-label={`Colour scale from 0 to ${formatWeight(max)}`} />
        <div class="legend-ticks" aria-hidden="true">
          {ticks.map((t) => (
            <span key={t}>{formatWeight(t)}</span>
          ))}
        </div>
      </div>
    </div>
  );
}
