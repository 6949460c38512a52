import { useEffect, useState } from 'react';

export type Theme = 'light' | 'dark';

const KEY = 'studio-theme';

/** Read synchronously so the first paint already has the right colours. */
function initialTheme(): Theme {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // localStorage can throw in some private modes: fall back to the system preference.
  }
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** The theme lives on `<html data-theme>`; CSS variables do the rest. */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    try {
      localStorage.setItem(KEY, theme);
    } catch {
      // Not persisted; the theme still applies to this page.
    }
  }, [theme]);
  return [theme, setTheme];
}
