/** The attention selectors: real, labelled <select>s so keyboards and screen readers get them for free. */
import type { StateName } from './app.js';
import { GROUP_LABEL, type View } from './lib/groups.js';

interface Props {
  view: View;
  onState(name: StateName, value: string): void;
}

export function Controls({ view, onState }: Props) {
  const change = (name: StateName) => (e: Event) =>
    onState(name, (e.currentTarget as HTMLSelectElement).value);
  return (
    <div class="controls">
      <label>
        <span>Attention</span>
        <select name="group" value={view.group} onChange={change('group')}>
          {view.groups.map((g) => (
            <option key={g} value={g}>
              {GROUP_LABEL[g]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Layer</span>
        <select name="layer" value={String(view.layer)} onChange={change('layer')}>
          {view.layers.map((l) => (
            <option key={l} value={String(l)}>
              {l}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Head</span>
        <select name="head" value={String(view.head)} onChange={change('head')}>
          <option value="mean">Mean of {view.heads.length}</option>
          {view.heads.map((h) => (
            <option key={h} value={String(h)}>
              {h}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
