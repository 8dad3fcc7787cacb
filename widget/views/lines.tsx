/**
 * The head view (after bertviz): query tokens left, key tokens right, a line per pair whose
 * opacity and width follow the weight. Head "all" draws every head in its own hue. Loaded lazily.
 */
import { useMemo } from 'preact/hooks';
import type { Theme } from '../lib/canvas.js';
import { scaleMax } from '../lib/color.js';
import { entryValues, headMatrix } from '../lib/decode.js';
import type { View } from '../lib/groups.js';
import { headHue, hex } from '../lib/palette.js';
import type { SnapshotSlot } from '../lib/snapshot.js';
import type { Labels } from '../lib/tokens.js';
import type { ExplanationDocument } from '../lib/types.js';
import { withTheme } from '../use-theme.js';
import { Columns, type LineLayer } from './columns.js';
import { columnsCss } from './view-styles.js';

/** Past this many tokens a side, lines are a blur: the matrix view says more. */
export const MAX_LINES_TOKENS = 256;

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
  const layers = useMemo((): LineLayer[] => {
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
    () => (headIndex === 'all' ? Math.max(...layers.map((l) => scaleMax(l.values))) : max),
    [layers, max],
  );
  if (Math.max(entry.rows, entry.cols) > MAX_LINES_TOKENS) {
    snap.current = null;
    return (
      <p class="msg" role="status">
        {entry.rows} × {entry.cols} tokens are too many for lines (at most {MAX_LINES_TOKENS}); the matrix
        view shows them.
      </p>
    );
  }
  return (
    <>
      <Columns
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
              <i class="sw" style={`background:${headHue(k, view.heads.length)}`} />
              head {h}{' '}
            </span>
          ))}
        </p>
      )}
    </>
  );
}
