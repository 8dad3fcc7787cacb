import { describe, expect, it } from 'vitest';
import { bytesText, formatBytes, stageText } from './progress.js';

describe('progress text', () => {
  it('names each stage in words', () => {
    expect(stageText({ stage: 'api' }, false)).toBe('Waiting for the API…');
    expect(stageText({ stage: 'download' }, false)).toBe('Downloading the model…');
    expect(stageText({ stage: 'run' }, true)).toBe('Training the probes in this page…');
  });
  it('counts bytes in kB and MB', () => {
    expect(formatBytes(14239897)).toBe('13.6 MB');
    expect(formatBytes(900)).toBe('1 kB');
    expect(bytesText({ loaded: 1 << 20, total: 2 << 20 })).toBe('1.0 MB of 2.0 MB');
    expect(bytesText({ loaded: 2048 })).toBe('2 kB');
  });
});
