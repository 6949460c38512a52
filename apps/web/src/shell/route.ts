import { useEffect, useState } from 'react';

/** The studio's pages. The workbench stays mounted under the others, so tabs and results survive. */
export const PAGES = ['workbench', 'profiles', 'settings', 'storage', 'sync'] as const;
export type Page = (typeof PAGES)[number];

/** `#/settings` → `settings`; anything unknown is the workbench. */
export function pageFromHash(hash: string): Page {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'workbench';
}

export function hashFor(page: Page): string {
  return page === 'workbench' ? '#/' : `#/${page}`;
}

/**
 * The current page, kept in the URL hash: reload, back and forward work, and a page can be
 * linked to, with no server routes and no router library for five pages.
 */
export function usePage(): Page {
  const [page, setPage] = useState(() => pageFromHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setPage(pageFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return page;
}
