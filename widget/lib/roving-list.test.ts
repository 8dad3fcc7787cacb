/** The list views' event wiring, driven with stand-ins for the DOM (the unit project runs in Node). */
import { describe, expect, it } from 'vitest';
import { dataIndex, rovingHandlers } from './roving-list.js';

/** An element whose nearest `data-i` ancestor holds `i` (none when undefined). */
const inItem = (i?: number) =>
  ({ closest: () => (i === undefined ? null : { getAttribute: () => String(i) }) }) as unknown as EventTarget;

describe('roving list', () => {
  it('reads the item index from the nearest data-i, and null outside every item', () => {
    expect(dataIndex(inItem(3))).toBe(3);
    expect(dataIndex(inItem())).toBeNull();
    expect(dataIndex(null)).toBeNull();
  });

  it('moves the active item by key, clamped, and activates and announces a focused item', () => {
    const log: string[] = [];
    const move = { current: false };
    const h = rovingHandlers({
      a: 4,
      n: 5,
      move,
      setActive: (i) => log.push(`active ${i}`),
      setHover: (i) => log.push(`hover ${i}`),
      setFocused: (f) => log.push(`focused ${f}`),
      say: (i) => log.push(`say ${i}`),
    });
    let prevented = 0;
    const key = (k: string) => h.onKeyDown({ key: k, preventDefault: () => prevented++ });
    key('ArrowRight');
    key('Home');
    key('a');
    expect(move.current).toBe(true);
    expect(prevented).toBe(2);
    h.onPointerOver({ target: inItem(1) });
    h.onPointerLeave();
    h.onFocusCapture({ target: inItem() });
    h.onFocusCapture({ target: inItem(2) });
    h.onBlurCapture();
    expect(log).toEqual([
      'active 4',
      'active 0',
      'hover 1',
      'hover null',
      'focused true',
      'active 2',
      'say 2',
      'focused false',
    ]);
  });
});
