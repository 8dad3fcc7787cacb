/**
 * The head view (after bertviz): query tokens left, key tokens right, a line per pair whose
 * opacity and width follow the weight. Head "all" draws every head in its own hue, and the reader
 * picks which heads. A threshold and a "strongest lines" limit keep long texts (512+ tokens, which
 * scroll) to the lines that carry the weight. Loaded lazily.
 */
import { useMemo, useState } from 'preact/hooks';
import type { Theme } from '../lib/canvas.js';
import { scaleMax } from '../lib/color.js';
import { entryValues, headMatrix } from '../lib/decode.js';
import type { View } from '../lib/groups.js';
import { headHue, hex } from '../lib/palette.js';
import type { SnapshotSlot } from '../lib/snapshot.js';
import type { Labels } from '../lib/tokens.js';
import type { ExplanationDocument } from '../lib/types.js';
import { withTheme } from '../use-theme.js';
import { Columns, type LineLayer, MIN_W } from './columns.js';
import { columnsCss } from './view-styles.js';

/** Past this many tokens a side only the strongest lines are drawn by default (the rest are a blur). */
export const ALL_LINES_TOKENS = 256;
const LIMITS = [0, 100, 500, 2000, 10000];
const DEFAULT_LIMIT = 2000;

interface Props {
  doc: ExplanationDocument;
  view: View;
  labels: Labels;
  max: number;
  theme: Theme;
  snap: SnapshotSlot;
  title: string;
}

export const LinesView = withTheme(LinesViewInner, columnsCss);

function LinesViewInner({ view, labels, max, theme, snap, title }: Props) {
  const { entry, headIndex } = view;
  const long = Math.max(entry.rows, entry.cols) > ALL_LINES_TOKENS;
  const [threshold, setThreshold] = useState(MIN_W);
  const [limit, setLimit] = useState(long ? DEFAULT_LIMIT : 0);
  /** heads left out of "All heads" (by position in view.heads) */
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const filter = useMemo(() => ({ threshold, limit }), [threshold, limit]);
  const allLayers = useMemo((): LineLayer[] => {
    const values = entryValues(entry);
    if (headIndex === 'all')
      return view.heads.map((h, k) => ({
        values: headMatrix(values, entry, k),
        color: headHue(k, view.heads.length),
        name: `head ${h}`,
      }));
    return [{ values: headMatrix(values, entry, headIndex), color: hex(theme.high) }];
  }, [entry, headIndex, theme]);
  // With every head drawn, scale to the largest weight of any head.
  const top = useMemo(
    () => (headIndex === 'all' ? Math.max(...allLayers.map((l) => scaleMax(l.values))) : max),
    [allLayers, max],
  );
  const layers = useMemo(
    () => (headIndex === 'all' ? allLayers.filter((_, k) => !hidden.has(k)) : allLayers),
    [allLayers, hidden, headIndex],
  );
  const toggle = (k: number) =>
    setHidden((h) => {
      const n = new Set(h);
      if (!n.delete(k)) n.add(k);
      return n;
    });
  return (
    <>
      <div class="bar lines-tools">
        <label class="label">
          Threshold
          <input
            type="range"
            name="threshold"
            min={0}
            max={0.9}
            step={0.01}
            value={threshold}
            aria-valuetext={`${Math.round(threshold * 100)}% of the largest weight`}
            onInput={(e) => setThreshold(Number((e.currentTarget as HTMLInputElement).value))}
          />
          <output>≥ {Math.round(threshold * 100)}% of max</output>
        </label>
        <label class="label">
          Strongest lines{' '}
          <select
            name="limit"
            value={String(limit)}
            onChange={(e) => setLimit(Number((e.currentTarget as HTMLSelectElement).value))}
          >
            {LIMITS.map((n) => (
              <option key={n} value={String(n)}>
                {n ? n.toLocaleString('en') : 'All'}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Columns
        filter={filter}
        left={labels.rows}
        right={labels.cols}
        leftSpecial={labels.rowSpecial}
        rightSpecial={labels.colSpecial}
        leftTitle="query"
        rightTitle="key"
        layers={layers}
        max={top}
        theme={theme}
        snap={snap}
        title={title}
        label={`${title}: query tokens on the left, key tokens on the right. Arrow keys move between tokens.`}
      />
      {headIndex === 'all' && (
        <p class="legend heads-legend">
          {view.heads.map((h, k) => (
            <span key={h}>
              <label>
                <input type="checkbox" checked={!hidden.has(k)} onChange={() => toggle(k)} />
                <i class="sw" style={`background:${headHue(k, view.heads.length)}`} />
                head {h}
              </label>{' '}
            </span>
          ))}
        </p>
      )}
    </>
  );
}
