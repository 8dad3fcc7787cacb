/** Attention groups (encoder self / decoder self / cross / rollout / flow), their layers and heads, and the view to show. */
import type { AttentionEntry, ExplanationDocument, GroupId, HeadChoice, ViewKind } from './types.js';

export const GROUP_ORDER: GroupId[] = [
  'encoder-self',
  'decoder-self',
  'cross',
  'encoder-rollout',
  'encoder-flow',
  'decoder-rollout',
  'decoder-flow',
  'cross-rollout',
  'cross-flow',
];

export const GROUP_LABEL: Record<GroupId, string> = {
  'encoder-self': 'Encoder self-attention',
  'decoder-self': 'Decoder self-attention',
  cross: 'Cross-attention',
  'encoder-rollout': 'Encoder rollout',
  'encoder-flow': 'Encoder flow',
  'decoder-rollout': 'Decoder rollout',
  'decoder-flow': 'Decoder flow',
  'cross-rollout': 'Cross rollout',
  'cross-flow': 'Cross flow',
};

/** Other names a page may give a group: `decoder-cross` says where cross-attention sits. */
const GROUP_ALIAS: Record<string, GroupId> = { 'decoder-cross': 'cross' };

/** The group a `group` attribute names, aliases resolved; null when it names none. */
export const groupNamed = (name: string | null): string | null =>
  name === null ? null : (GROUP_ALIAS[name] ?? name);

export function groupOf(e: AttentionEntry): GroupId {
  const side = e.kind === 'cross' ? 'cross' : e.stack;
  if (e.derived) return `${side}-${e.derived}` as GroupId;
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

/** The entry of a group and layer; a per-head entry is preferred to a combined one. */
export function entryFor(doc: ExplanationDocument, g: GroupId, layer: number): AttentionEntry | undefined {
  const es = (doc.attention ?? []).filter((e) => groupOf(e) === g && e.layer === layer);
  return es.find((e) => !e.aggregate) ?? es[0];
}

/** True when the entry's data already combines its heads (server aggregate, rollout, flow). */
export const isCombined = (e: AttentionEntry): boolean => !!e.aggregate || !!e.derived;

/** The views a document can fill, in the order the view selector lists them. */
export function viewsIn(doc: ExplanationDocument): ViewKind[] {
  const att = doc.attention ?? [];
  const out: ViewKind[] = [];
  if (att.length) out.push('matrix', 'model', 'lines');
  if (att.some((e) => e.kind === 'cross' && !e.derived)) out.push('alignment');
  if (doc.saliency?.length) out.push('saliency');
  const probe = doc.probe as { layers?: unknown } | undefined;
  if (Array.isArray(probe?.layers) && probe.layers.length) out.push('probe');
  return out;
}

export const VIEW_LABEL: Record<ViewKind, string> = {
  matrix: 'Matrix',
  model: 'Model (all heads)',
  lines: 'Lines',
  alignment: 'Alignment',
  saliency: 'Saliency',
  probe: 'Probe (per layer)',
};

/** What the element's attributes ask for; strings as they stand on the element (null when absent). */
export interface ViewRequest {
  view?: string | null;
  group: string | null;
  layer: string | null;
  head: string | null;
  method?: string | null;
}

export interface View {
  group: GroupId;
  layer: number;
  head: HeadChoice;
  /** position of `head` in the entry's data, or how to combine the heads */
  headIndex: number | 'mean' | 'max' | 'all';
  entry: AttentionEntry;
  groups: GroupId[];
  layers: number[];
  /** model head ids that can be picked one by one (none for a combined entry) */
  heads: number[];
  /** every value the head selector offers, in order */
  headChoices: HeadChoice[];
}

export interface ResolveOptions {
  /** only these groups (e.g. cross-attention for the alignment view) */
  only?: GroupId[];
  /** offer `all` heads at once (the lines view draws them in colour) */
  allowAll?: boolean;
  /** the layer shown when the request names none (else the first of the group) */
  defaultLayer?: number;
}

/**
 * Resolve the request against what the document holds. Anything missing or out of range falls back
 * rather than failing: an encoder-decoder opens on cross-attention (the alignment people look for),
 * a layer not in the group snaps to the nearest one, an unknown head to the mean.
 */
export function resolveView(
  doc: ExplanationDocument,
  req: ViewRequest,
  opts: ResolveOptions = {},
): View | null {
  const groups = groupsIn(doc).filter((g) => !opts.only || opts.only.includes(g));
  if (groups.length === 0) return null;
  const named = groupNamed(req.group);
  const group = groups.find((g) => g === named) ?? (groups.includes('cross') ? 'cross' : groups[0]);
  const layers = layersIn(doc, group);
  const want = req.layer !== null && req.layer.trim() !== '' ? Number(req.layer) : Number.NaN;
  const layer = Number.isFinite(want)
    ? layers.reduce((best, l) => (Math.abs(l - want) < Math.abs(best - want) ? l : best))
    : opts.defaultLayer !== undefined && layers.includes(opts.defaultLayer)
      ? opts.defaultLayer
      : layers[0];
  const entry = entryFor(doc, group, layer)!;
  if (isCombined(entry)) {
    // One matrix: the only choice is how it was combined (rollout and flow average heads).
    const how = entry.aggregate === 'max' ? 'max' : 'mean';
    return { group, layer, head: how, headIndex: 0, entry, groups, layers, heads: [], headChoices: [how] };
  }
  const heads = headIds(entry);
  const headChoices: HeadChoice[] = ['mean', 'max', ...heads];
  if (opts.allowAll && heads.length > 1) headChoices.push('all');
  const r = req.head;
  let head: HeadChoice = 'mean';
  let headIndex: View['headIndex'] = 'mean';
  if (r === 'max' || (r === 'all' && opts.allowAll && heads.length > 1)) {
    head = r;
    headIndex = r;
  } else if (r !== null && r.trim() !== '' && heads.includes(Number(r))) {
    head = Number(r);
    headIndex = heads.indexOf(head);
  }
  return { group, layer, head, headIndex, entry, groups, layers, heads, headChoices };
}

/** "head 3", "mean of 4 heads", … for captions. */
export function headText(v: View): string {
  if (isCombined(v.entry)) return v.entry.derived ? 'heads averaged' : `${v.entry.aggregate} of heads`;
  if (v.head === 'mean') return `mean of ${v.heads.length} heads`;
  if (v.head === 'max') return `max of ${v.heads.length} heads`;
  if (v.head === 'all') return `all ${v.heads.length} heads`;
  return `head ${v.head}`;
}
