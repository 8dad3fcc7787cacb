/** The selectors: real, labelled <select>s so keyboards and screen readers get them for free. */
import type { ComponentChildren } from 'preact';
import type { StateName } from './app.js';
import { GROUP_LABEL, isCombined, VIEW_LABEL, type View } from './lib/groups.js';
import { methodName } from './lib/methods.js';
import type { HeadChoice, SaliencyEntry, ViewKind } from './lib/types.js';

interface Props {
  kinds: ViewKind[];
  kind: ViewKind;
  view: View | null;
  methods?: { ids: string[]; value: string; entries: SaliencyEntry[] };
  onState(name: StateName, value: string): void;
}

function headLabel(h: HeadChoice, v: View): string {
  if (h === 'mean') return isCombined(v.entry) ? 'Heads averaged' : `Mean of ${v.heads.length}`;
  if (h === 'max') return isCombined(v.entry) ? 'Max of heads' : `Max of ${v.heads.length}`;
  if (h === 'all') return `All ${v.heads.length} (colours)`;
  return String(h);
}

export function Controls({ kinds, kind, view, methods, onState }: Props) {
  const attention = view && kind !== 'model';
  return (
    <div class="controls">
      {kinds.length > 1 && (
        <Field name="view" label="View" value={kind} onState={onState}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {VIEW_LABEL[k]}
            </option>
          ))}
        </Field>
      )}
      {view && kind !== 'alignment' && (
        <Field name="group" label="Attention" value={view.group} onState={onState}>
          {view.groups.map((g) => (
            <option key={g} value={g}>
              {GROUP_LABEL[g]}
            </option>
          ))}
        </Field>
      )}
      {attention && (
        <Field name="layer" label="Layer" value={String(view.layer)} onState={onState}>
          {view.layers.map((l) => (
            <option key={l} value={String(l)}>
              {l}
            </option>
          ))}
        </Field>
      )}
      {attention && (
        <Field name="head" label="Head" value={String(view.head)} onState={onState}>
          {view.headChoices.map((h) => (
            <option key={h} value={String(h)}>
              {headLabel(h, view)}
            </option>
          ))}
        </Field>
      )}
      {methods && (
        <Field name="method" label="Method" value={methods.value} onState={onState}>
          {methods.ids.map((id, i) => (
            <option key={id} value={id}>
              {methodName(methods.entries[i].method)}
              {id.includes('@') ? ` (${id.split('@')[1]})` : ''}
            </option>
          ))}
        </Field>
      )}
    </div>
  );
}

interface FieldProps {
  name: StateName;
  label: string;
  value: string;
  onState: Props['onState'];
  children: ComponentChildren;
}

// for/id rather than a wrapping <label>: the accessible name stays "Layer", not "Layer 0".
// Ids are scoped to each element's shadow root, so fixed ids cannot clash between instances.
function Field({ name, label, value, onState, children }: FieldProps) {
  const id = `ah-${name}`;
  return (
    <span class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        name={name}
        value={value}
        onChange={(e) => onState(name, (e.currentTarget as HTMLSelectElement).value)}
      >
        {children}
      </select>
    </span>
  );
}
