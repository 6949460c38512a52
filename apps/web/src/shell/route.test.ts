import { describe, expect, it } from 'vitest';
import { hashFor, PAGES, pageFromHash } from './route.ts';

describe('pages in the URL hash', () => {
  it('reads each page back from its own hash', () => {
    for (const page of PAGES) expect(pageFromHash(hashFor(page))).toBe(page);
  });

  it('treats an empty, unknown or malformed hash as the workbench', () => {
    for (const hash of ['', '#', '#/', '#/nope', '#//settings', '#/__proto__']) {
      expect(pageFromHash(hash)).toBe('workbench');
    }
  });

  it('ignores what follows the page name', () => {
    expect(pageFromHash('#/storage/export')).toBe('storage');
    expect(pageFromHash('#/settings?x=1')).toBe('settings');
    expect(pageFromHash('#settings')).toBe('settings');
  });
});
