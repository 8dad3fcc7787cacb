/** Keyboard movement shared by the views: where a key moves the active cell or item (unclamped). */

export interface Cell {
  r: number;
  c: number;
}

/**
 * Arrows move one cell, PageUp/PageDown `page` rows (when given), Home/End to the row's ends (with
 * Ctrl, the grid's corners). Null for any other key, which the view then leaves alone.
 */
export function gridStep(
  e: { key: string; ctrlKey: boolean },
  { r, c }: Cell,
  rows: number,
  cols: number,
  page?: number,
): Cell | null {
  // biome-ignore format: one key per line reads as a table
  switch (e.key) {
    case 'ArrowUp': return { r: r - 1, c };
    case 'ArrowDown': return { r: r + 1, c };
    case 'ArrowLeft': return { r, c: c - 1 };
    case 'ArrowRight': return { r, c: c + 1 };
    case 'PageUp': return page ? { r: r - page, c } : null;
    case 'PageDown': return page ? { r: r + page, c } : null;
    case 'Home': return { r: e.ctrlKey ? 0 : r, c: 0 };
    case 'End': return { r: e.ctrlKey ? rows - 1 : r, c: cols - 1 };
    default: return null;
  }
}

/** Up/Left one item back, Down/Right one forward, Home/End to the ends; null for other keys. */
export function listStep(key: string, i: number, n: number): number | null {
  // biome-ignore format: one key per line reads as a table
  switch (key) {
    case 'ArrowUp': case 'ArrowLeft': return i - 1;
    case 'ArrowDown': case 'ArrowRight': return i + 1;
    case 'Home': return 0;
    case 'End': return n - 1;
    default: return null;
  }
}
