import { useCallback, useEffect, useState } from 'react';
import { DEFAULT_PREFERENCES, readPreferences, type ThemeChoice } from '../settings/preferences.ts';
import { useStorage, useStorageActions } from '../storage/StorageContext.tsx';

export type Theme = 'light' | 'dark';

/**
 * The last applied appearance, cached in localStorage: the profile's preferences are in PGlite,
 * which opens seconds after the first paint, and the page must not flash the wrong colours.
 */
const CACHE_KEY = 'studio-appearance';

interface Appearance {
  theme: ThemeChoice;
  editorFontSize: number;
  editorLineNumbers: boolean;
}

/** The appearance cached by the last page, or the defaults. */
export function cachedAppearance(): Appearance {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    if (raw) {
      const { theme, editorFontSize, editorLineNumbers } = readPreferences(
        JSON.parse(raw) as Record<string, unknown>,
      );
      return { theme, editorFontSize, editorLineNumbers };
    }
  } catch {
    // Unreadable or no localStorage (some private modes): the defaults will do.
  }
  const { theme, editorFontSize, editorLineNumbers } = DEFAULT_PREFERENCES;
  return { theme, editorFontSize, editorLineNumbers };
}

const systemDark = () => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;

export function resolveTheme(choice: ThemeChoice, prefersDark: boolean): Theme {
  if (choice === 'system') return prefersDark ? 'dark' : 'light';
  return choice;
}

/**
 * Applies the profile's theme and editor font size to the page (`<html data-theme>` and a CSS
 * variable) and follows the system theme when the choice is "system". Returns the theme in
 * effect and a setter that stores the choice in the profile's preferences.
 */
export function useAppearance(): { theme: Theme; setTheme(choice: ThemeChoice): void } {
  const state = useStorage();
  const { updatePreferences } = useStorageActions();
  const [local, setLocal] = useState<Appearance>(cachedAppearance);
  const [prefersDark, setPrefersDark] = useState(systemDark);

  // Once storage is open, the profile's preferences are the truth (and a profile switch changes them).
  const stored = state.phase === 'ready' ? readPreferences(state.preferences) : null;
  const theme = stored?.theme ?? local.theme;
  const editorFontSize = stored?.editorFontSize ?? local.editorFontSize;
  const editorLineNumbers = stored?.editorLineNumbers ?? local.editorLineNumbers;

  useEffect(() => {
    const query = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!query) return;
    const onChange = () => setPrefersDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);

  const effective = resolveTheme(theme, prefersDark);
  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = effective;
    root.style.setProperty('--editor-font-size', `${editorFontSize}px`);
    try {
      localStorage.setItem(CACHE_KEY, JSON.stringify({ theme, editorFontSize, editorLineNumbers }));
    } catch {
      // Not cached; it still applies to this page.
    }
  }, [effective, theme, editorFontSize, editorLineNumbers]);

  const setTheme = useCallback(
    (choice: ThemeChoice) => {
      setLocal((a) => ({ ...a, theme: choice }));
      // Before storage opens the choice lasts for this page (and the cache) only.
      updatePreferences({ theme: choice }).catch(() => {});
    },
    [updatePreferences],
  );

  return { theme: effective, setTheme };
}

/**
 * Whether the editor shows line numbers (the profile's `editorLineNumbers`, cached for the first
 * paint like the theme), and a toggle that stores the choice.
 */
export function useLineNumbers(): { lineNumbers: boolean; toggle(): void } {
  const state = useStorage();
  const { updatePreferences } = useStorageActions();
  const [local, setLocal] = useState(() => cachedAppearance().editorLineNumbers);
  const lineNumbers =
    state.phase === 'ready' ? readPreferences(state.preferences).editorLineNumbers : local;
  const toggle = useCallback(() => {
    setLocal(!lineNumbers);
    updatePreferences({ editorLineNumbers: !lineNumbers }).catch(() => {});
  }, [lineNumbers, updatePreferences]);
  return { lineNumbers, toggle };
}
