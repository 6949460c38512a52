import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openStudio,
  pageErrors,
  type Studio,
  startStudio,
  waitForStorage,
} from '../../e2e/support.ts';

let studio: Studio;

beforeAll(async () => {
  studio = await startStudio();
}, 180_000);

afterAll(async () => {
  await studio?.close();
});

/** Storage answers can take seconds on a loaded machine; expect.poll's default is 1 s. */
const SOON = { timeout: 30_000 };

/** Replaces the active tab's text. */
async function typeQuery(page: Page, sql: string) {
  const editor = page.locator('.cm-content');
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type(sql);
  await expect.poll(() => editor.textContent(), SOON).toBe(sql);
}

/** Fills the open save dialog and saves; tags are typed as one comma-separated string. */
async function fillAndSave(
  page: Page,
  fields: { name?: string; description?: string; tags?: string },
) {
  const dialog = page.getByTestId('save-dialog');
  await dialog.waitFor();
  if (fields.name !== undefined) await dialog.locator('input[name="name"]').fill(fields.name);
  if (fields.description !== undefined)
    await dialog.locator('textarea[name="description"]').fill(fields.description);
  if (fields.tags !== undefined) {
    await dialog.locator('input[name="tags"]').fill(fields.tags);
    await dialog.locator('input[name="tags"]').press('Enter');
  }
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
}

describe('saved queries in Chromium', () => {
  it('saves a tab, lists, filters, searches, edits, opens and deletes it', {
    timeout: 300_000,
  }, async () => {
    const context = await studio.browser.newContext();
    try {
      const page = await context.newPage();
      const errors = pageErrors(page);
      await openStudio(page, studio.url);

      // Ctrl+S on the first tab: name defaults to the tab's, tags typed as chips.
      await typeQuery(page, 'select 42 as answer');
      await page.keyboard.press('Control+s');
      const dialog = page.getByTestId('save-dialog');
      await dialog.waitFor();
      expect(await dialog.locator('input[name="name"]').inputValue()).toBe('Query 1');
      await fillAndSave(page, {
        name: 'Answer',
        description: 'The answer to everything',
        tags: 'Life, universe, life',
      });
      // The tab takes the saved name.
      await page.locator('.tab.active .tab-name', { hasText: 'Answer' }).waitFor();

      // A second one, from a new tab through the toolbar button.
      await page.getByRole('button', { name: 'New tab' }).click();
      await typeQuery(page, 'select count(*) from orders');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await fillAndSave(page, { name: 'Order count', tags: 'universe' });

      await page.getByRole('tab', { name: 'Saved' }).click();
      const items = page.getByTestId('saved-item');
      await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(2);
      const answer = items.filter({ hasText: 'Answer' });
      expect(await answer.textContent()).toContain('The answer to everything');
      expect(await answer.textContent()).toContain('#Life #universe');

      // Tag chips come from the counts; every selected tag must match.
      const chips = page.getByTestId('tag-filter');
      expect(await chips.allTextContents()).toEqual(['universe 2', 'Life 1']);
      await chips.filter({ hasText: 'Life' }).click();
      await expect.poll(() => items.allTextContents(), SOON).toHaveLength(1);
      await chips.filter({ hasText: 'Life' }).click();
      await expect.poll(() => items.count(), SOON).toBe(2);

      // Search covers the SQL text too.
      const search = page.getByRole('searchbox', { name: 'Search saved queries' });
      await search.fill('orders');
      await expect.poll(() => items.count(), SOON).toBe(1);
      expect(await items.first().textContent()).toContain('Order count');
      await search.fill('');
      await expect.poll(() => items.count(), SOON).toBe(2);

      // Edit from the panel: the tab showing it is renamed too, and no duplicate appears.
      await answer.hover();
      await page.getByRole('button', { name: 'Edit Answer' }).click();
      await fillAndSave(page, { name: 'Answer v2' });
      await items.filter({ hasText: 'Answer v2' }).waitFor({ timeout: 30_000 });
      expect(await items.count()).toBe(2);
      await page.locator('.tab .tab-name', { hasText: 'Answer v2' }).waitFor();

      // Re-saving that tab updates it rather than creating another.
      await page.locator('.tab', { hasText: 'Answer v2' }).click();
      await typeQuery(page, 'select 43 as answer');
      await page.keyboard.press('Control+s');
      expect(await dialog.locator('input[name="name"]').inputValue()).toBe('Answer v2');
      await fillAndSave(page, {});
      await expect
        .poll(() => items.filter({ hasText: 'Answer v2' }).count(), { timeout: 30_000 })
        .toBe(1);
      expect(await items.count()).toBe(2);

      // Open: focuses the tab already showing it, also once the tabs are back after a reload.
      const tabs = page.locator('.tab');
      const before = await tabs.count();
      await items.filter({ hasText: 'Order count' }).locator('.history-open').click();
      expect(await tabs.count()).toBe(before);
      await expect
        .poll(() => page.locator('.tab.active .tab-name').textContent(), SOON)
        .toBe('Order count');
      await expect
        .poll(() => page.locator('.tab-bar').getAttribute('data-workspace'), SOON)
        .toBe('saved');
      await page.reload();
      await waitForStorage(page);
      await expect
        .poll(() => page.locator('.tab .tab-name').allTextContents(), SOON)
        .toEqual(['Answer v2', 'Order count']);
      await page.getByRole('tab', { name: 'Saved' }).click();
      await items.filter({ hasText: 'Answer v2' }).waitFor({ timeout: 120_000 });
      await items.filter({ hasText: 'Answer v2' }).locator('.history-open').click();
      await expect
        .poll(() => page.locator('.tab.active .tab-name').textContent(), SOON)
        .toBe('Answer v2');
      expect(await tabs.count()).toBe(2);
      expect(await page.locator('.cm-content').textContent()).toBe('select 43 as answer');

      // Delete, confirmed.
      const target = items.filter({ hasText: 'Answer v2' });
      await target.hover();
      await page.getByRole('button', { name: 'Delete Answer v2' }).click();
      await target.getByRole('button', { name: 'Delete', exact: true }).click();
      await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(1);
      // Tag counts reload after the optimistic removal: wait for them.
      await expect.poll(() => chips.allTextContents(), SOON).toEqual(['universe 1']);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
