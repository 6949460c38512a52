import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageErrors, type Studio, startStudio } from '../e2e/support.ts';

let studio: Studio;

beforeAll(async () => {
  studio = await startStudio();
}, 180_000);

afterAll(async () => {
  await studio?.close();
});

describe('the studio in Chromium', () => {
  it('keeps its initial JavaScript small: storage and PGlite load later', async () => {
    const html = await readFile(join(studio.webRoot, 'index.html'), 'utf8');
    const initial = [
      ...html.matchAll(/<script type="module"[^>]*src="([^"]+)"/g),
      ...html.matchAll(/<link rel="modulepreload"[^>]*href="([^"]+)"/g),
    ].map((m) => m[1] ?? '');
    expect(initial.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const file of initial) {
      const code = await readFile(join(studio.webRoot, file));
      expect(code.toString()).not.toContain('PGlite');
      gzipped += gzipSync(code).length;
    }
    expect(gzipped).toBeLessThan(300 * 1024);
  });

  it('runs a demo query at once, logs it to history, and keeps it across a reload', {
    timeout: 240_000,
  }, async () => {
    const context = await studio.browser.newContext();
    try {
      const page = await context.newPage();
      const errors = pageErrors(page);
      await page.goto(studio.url);

      // The editor takes input before the platform storage has opened.
      const editor = page.locator('.cm-content');
      await editor.waitFor({ timeout: 10_000 });
      await editor.click();
      await page.keyboard.press('Control+a');
      await page.keyboard.type('select count(*) from customers');
      await expect.poll(() => editor.textContent()).toBe('select count(*) from customers');

      await page.keyboard.press('Control+Enter');
      await expect
        .poll(() => page.getByTestId('row-count').textContent(), { timeout: 120_000 })
        .toBe('SELECT · 1 row');
      expect(await page.locator('.grid-cell.cell-number').first().textContent()).toBe('1000');
      expect(await page.locator('.grid-head').first().textContent()).toBe('count');

      const entry = page
        .getByTestId('history-item')
        .filter({ hasText: 'select count(*) from customers' });
      await entry.first().waitFor({ timeout: 120_000 });
      expect(await entry.first().textContent()).toContain('1 rows');

      await page.reload();
      await page.locator('.cm-content').waitFor({ timeout: 10_000 });
      await entry.first().waitFor({ timeout: 120_000 });
      expect(await entry.count()).toBe(1);
      expect(await page.getByTestId('storage-chip').getAttribute('data-state')).toBe('ready');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
