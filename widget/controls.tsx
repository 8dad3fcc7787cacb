/** The attention selectors: real, labelled <select>s so keyboards and screen readers get them for free. */
import type { ComponentChildren } from 'preact';
import type { StateName } from './app.js';
import { GROUP_LABEL, type View } from './lib/groups.js';

interface Props {
  view: View;
  onState(name: StateName, value: string): void;
}

export function Controls({ view, onState }: Props) {
  return (
    <div class="controls">
      <Field name="group" label="Attention" value={view.group} onState={onState}>
        {view.groups.map((g) => (
          <option key={g} value={g}>
            {GROUP_LABEL[g]}
          </option>
        ))}
      </Field>
      <Field name="layer" label="Layer" value={String(view.layer)} onState={onState}>
        {view.layers.map((l) => (
          <option key={l} value={String(l)}>
            {l}
          </option>
        ))}
      </Field>
      <Field name="head" label="Head" value={String(view.head)} onState={onState}>
        <option value="mean">Mean of {view.heads.length}</option>
        {view.heads.map((h) => (
          <option key={h} value={String(h)}>
            {h}
          </option>
        ))}
      </Field>
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
