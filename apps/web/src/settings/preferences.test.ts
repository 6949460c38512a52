import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES, readPreferences } from './preferences.ts';

describe('readPreferences', () => {
  it('fills in the defaults for an empty document', () => {
    expect(readPreferences({})).toEqual(DEFAULT_PREFERENCES);
    expect(readPreferences(null)).toEqual(DEFAULT_PREFERENCES);
  });

  it('reads what the settings page stores', () => {
    expect(
      readPreferences({
        theme: 'dark',
        editorFontSize: 16,
        editorLineNumbers: false,
        historyRetention: { maxEntries: 2000, maxAgeDays: 30 },
      }),
    ).toEqual({
      theme: 'dark',
      editorFontSize: 16,
      editorLineNumbers: false,
      historyRetention: { maxEntries: 2000, maxAgeDays: 30 },
    });
  });

  it('falls back per field when a newer studio or a hand edit stored something odd', () => {
    const read = readPreferences({
      theme: 'solarized',
      editorFontSize: 13.5,
      editorLineNumbers: 'off',
      historyRetention: { maxEntries: 0, maxAgeDays: 'forever' },
      somethingNewer: { kept: true },
    });
    expect(read).toEqual(DEFAULT_PREFERENCES);
  });
});
