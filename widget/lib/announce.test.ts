/** The live-region update that re-announces repeated text, driven in Node. */
import { describe, expect, it } from 'vitest';
import { reannounce } from './announce.js';

describe('announce', () => {
  it('changes the announcement even when the text repeats', () => {
    const once = reannounce('layer 2')('');
    const twice = reannounce('layer 2')(once);
    expect(once).not.toBe(twice);
    expect([once.trim(), twice.trim()]).toEqual(['layer 2', 'layer 2']);
    expect(reannounce('layer 2')(twice)).toBe(once);
  });
});
