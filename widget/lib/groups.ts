/** Attention groups (encoder self / decoder self / cross), their layers and heads, and the view to show. */
import type { AttentionEntry, ExplanationDocument, GroupId, HeadChoice } from './types.js';

export const GROUP_ORDER: GroupId[] = ['encoder-self', 'decoder-self', 'cross'];

export const GROUP_LABEL: Record<GroupId, string> = {
  'encoder-self': 'Encoder self-attention',
  'decoder-self': 'Decoder self-attention',
  cross: 'Cross-attention',
};

export function groupOf(e: AttentionEntry): GroupId {
  return e.kind === 'cross' ? 'cross' : e.stack === 'encoder' ? 'encoder-self' : 'decoder-self';
}

export function groupsIn(doc: ExplanationDocument): GroupId[] {
  const present = new Set((doc.attention ?? []).map(groupOf));
  return GROUP_ORDER.filter((g) => present.has(g));
}

export function layersIn(doc: ExplanationDocument, g: GroupId): number[] {
  const ls = (doc.attention ?? []).filter((e) => groupOf(e) === g).map((e) => e.layer);
  return [...new Set(ls)].sort((a, b) => a - b);
}

/** Model head ids of an entry, in data order. */
export function headIds(e: AttentionEntry): number[] {
  return e.head_ids && e.head_ids.length === e.heads
    ? e.head_ids
    : Array.from({ length: e.heads }, (_, i) => i);
}

/** What the element's attributes ask for; strings as they stand on the element (null when absent). */
export interface ViewRequest {
  group: string | null;
  layer: string | null;
  head: string | null;
}

export interface View {
  group: GroupId;
  layer: number;
  head: HeadChoice;
  /** position of `head` in the entry's data, or 'mean' */
  headIndex: number | 'mean';
  entry: AttentionEntry;
  groups: GroupId[];
  layers: number[];
  heads: number[];
}

/**
 * Resolve the request against what the document holds. Anything missing or out of range falls back
 * rather than failing: an encoder-decoder opens on cross-attention (the alignment people look for),
 * a layer not in the group snaps to the nearest one, an unknown head to the mean.
 */
export function resolveView(doc: ExplanationDocument, req: ViewRequest): View | null {
  const groups = groupsIn(doc);
  if (groups.length === 0) return null;
  const group = groups.find((g) => g === req.group) ?? (groups.includes('cross') ? 'cross' : groups[0]);
  const layers = layersIn(doc, group);
  const want = req.layer !== null && req.layer.trim() !== '' ? Number(req.layer) : Number.NaN;
  const layer = Number.isFinite(want)
    ? layers.reduce((best, l) => (Math.abs(l - want) < Math.abs(best - want) ? l : best))
    : layers[0];
  const entry = (doc.attention ?? []).find((e) => groupOf(e) === group && e.layer === layer)!;
  const heads = headIds(entry);
  const wantHead = req.head === null || req.head === 'mean' ? -1 : Number(req.head);
  const headIndex = heads.indexOf(wantHead);
  return {
    group,
    layer,
    head: headIndex < 0 ? 'mean' : wantHead,
    headIndex: headIndex < 0 ? 'mean' : headIndex,
    entry,
    groups,
    layers,
    heads,
  };
}
