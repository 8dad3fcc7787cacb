/**
 * Cross-attention of a translation or summary: target (output) tokens left, source (input) tokens
 * right, lines weighted by the shown layer and head, and the argmax alignment from the document's
 * `alignment` entries marked as dashed accent lines with its AER when a gold alignment was given.
 * Without `alignment` in the document, the argmax of the shown weights is marked. Loaded lazily.
 */
import { useMemo, useState } from 'preact/hooks';
import { argmaxLinks } from '../lib/alignment.js';
import type { Theme } from '../lib/canvas.js';
import { scaleMax } from '../lib/color.js';
import type { View } from '../lib/groups.js';
import { hex } from '../lib/palette.js';
import type { SnapshotSlot } from '../lib/snapshot.js';
import type { Labels } from '../lib/tokens.js';
import type { ExplanationDocument } from '../lib/types.js';
import { withTheme } from '../use-theme.js';
import { Columns } from './columns.js';
import { columnsCss } from './view-styles.js';

interface Props {
  doc: ExplanationDocument;
  view: View;
  labels: Labels;
  values: Float32Array;
  theme: Theme;
  snap: SnapshotSlot;
  title: string;
}

export const AlignmentView = withTheme(AlignmentViewInner, columnsCss);

function AlignmentViewInner({ doc, view, labels, values, theme, snap, title }: Props) {
  const aligns = doc.alignment ?? [];
  const keys = aligns.map((a) => String(a.layer));
  // Default to the alignment of the layer shown, else the mean over layers, else the first.
  const [pick, setPick] = useState<string | null>(null);
  const key =
    pick !== null && keys.includes(pick)
      ? pick
      : keys.includes(String(view.layer))
        ? String(view.layer)
        : keys.includes('mean')
          ? 'mean'
          : keys[0];
  const chosen = aligns[keys.indexOf(key)];
  const computed = useMemo(
    () => argmaxLinks(values, view.entry.rows, view.entry.cols, labels.rowSpecial, labels.colSpecial),
    [values, view.entry, labels],
  );
  const marked = chosen
    ? chosen.links.filter(([o, i]) => o < labels.rows.length && i < labels.cols.length)
    : computed;
  const source = chosen
    ? `argmax alignment of ${chosen.layer === 'mean' ? 'the mean over layers' : `layer ${chosen.layer}`}`
    : 'argmax of the shown weights (the document has no alignment)';
  const aer = chosen?.aer;
  const note = `Dashed: ${source}${aer !== undefined ? `; AER ${(aer * 100).toFixed(1)}%` : ''}.`;
  return (
    <>
      {aligns.length > 1 && (
        <div class="controls">
          <span class="field">
            <label for="ah-align">Argmax of</label>
            <select
              id="ah-align"
              value={key}
              onChange={(e) => setPick((e.currentTarget as HTMLSelectElement).value)}
            >
              {keys.map((k) => (
                <option key={k} value={k}>
                  {k === 'mean' ? 'mean over layers' : `layer ${k}`}
                </option>
              ))}
            </select>
          </span>
        </div>
      )}
      <Columns
        left={labels.rows}
        right={labels.cols}
        leftSpecial={labels.rowSpecial}
        rightSpecial={labels.colSpecial}
        leftTitle="target"
        rightTitle="source"
        layers={[{ values, color: hex(theme.high) }]}
        max={scaleMax(values)}
        marked={marked}
        theme={theme}
        snap={snap}
        title={`Alignment: ${title}`}
        note={note}
        label={`${title}: target tokens on the left, source tokens on the right, argmax alignment marked.`}
      />
      <p class="note alignment-note">
        Dashed: {source}.
        {aer !== undefined && (
          <>
            {' '}
            <b class="aer">AER {(aer * 100).toFixed(1)}%</b>
          </>
        )}
      </p>
    </>
  );
}
