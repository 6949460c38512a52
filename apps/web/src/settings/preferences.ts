import type { Preferences } from '@platform/storage';

export type ThemeChoice = 'light' | 'dark' | 'system';

/** What the studio reads from the profile's preferences document, with its defaults filled in. */
export interface StudioPreferences {
  theme: ThemeChoice;
  editorFontSize: number;
  /** The editor's line-number gutter (the real studio's toggle). */
  editorLineNumbers: boolean;
  historyRetention: { maxEntries: number; maxAgeDays: number | null };
}

export const EDITOR_FONT_SIZES = { min: 8, max: 40, default: 13 } as const;

export const DEFAULT_PREFERENCES: StudioPreferences = {
  theme: 'system',
  editorFontSize: EDITOR_FONT_SIZES.default,
  editorLineNumbers: true,
  historyRetention: { maxEntries: 500, maxAgeDays: null },
};

const isThemeChoice = (v: unknown): v is ThemeChoice =>
  v === 'light' || v === 'dark' || v === 'system';

const wholeIn = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * The studio's view of a preferences document. Storage validates what it writes, but a document
 * written by a newer studio (or by hand) may hold anything: unknown or odd values fall back to
 * the defaults instead of breaking the page.
 */
export function readPreferences(doc: Preferences | null | undefined): StudioPreferences {
  const retention = (doc?.historyRetention ?? {}) as Record<string, unknown>;
  return {
    theme: isThemeChoice(doc?.theme) ? doc.theme : DEFAULT_PREFERENCES.theme,
    editorFontSize: wholeIn(doc?.editorFontSize, EDITOR_FONT_SIZES.min, EDITOR_FONT_SIZES.max)
      ? doc.editorFontSize
      : DEFAULT_PREFERENCES.editorFontSize,
    editorLineNumbers:
      typeof doc?.editorLineNumbers === 'boolean'
        ? doc.editorLineNumbers
        : DEFAULT_PREFERENCES.editorLineNumbers,
    historyRetention: {
      maxEntries: wholeIn(retention.maxEntries, 1, 10_000_000)
        ? retention.maxEntries
        : DEFAULT_PREFERENCES.historyRetention.maxEntries,
      maxAgeDays: wholeIn(retention.maxAgeDays, 1, 36_500) ? retention.maxAgeDays : null,
    },
  };
}
