/**
 * The event wiring of the views that are a roving-tabindex list (saliency tokens, probe table rows):
 * items carry `data-i`, and their container handles the keys, the pointer and focus for all of them.
 */
import { listStep } from './keys.js';

/** The index in the nearest `data-i` at or above an event's target; null outside every item. */
export function dataIndex(el: EventTarget | null): number | null {
  const v = (el as Element | null)?.closest?.('[data-i]')?.getAttribute('data-i');
  return v == null ? null : Number(v);
}

export interface RovingList {
  /** the active item (clamped to the list) and the number of items */
  a: number;
  n: number;
  /** set when a key moves the active item, so that the view focuses it after rendering */
  move: { current: boolean };
  setActive(i: number): void;
  setHover(i: number | null): void;
  setFocused(focused: boolean): void;
  /** announces item i in the live region */
  say(i: number): void;
}

/** The container's handlers: keys move the active item, the pointer hovers, focus entering an item activates it. */
export function rovingHandlers({ a, n, move, setActive, setHover, setFocused, say }: RovingList) {
  return {
    onKeyDown: (e: { key: string; preventDefault(): void }) => {
      const i = listStep(e.key, a, n);
      if (i === null) return;
      e.preventDefault();
      move.current = true;
      setActive(Math.max(0, Math.min(n - 1, i)));
    },
    onPointerOver: (e: { target: EventTarget | null }) => setHover(dataIndex(e.target)),
    onPointerLeave: () => setHover(null),
    onFocusCapture: (e: { target: EventTarget | null }) => {
      const i = dataIndex(e.target);
      if (i === null) return;
      setFocused(true);
      setActive(i);
      say(i);
    },
    onBlurCapture: () => setFocused(false),
  };
}
