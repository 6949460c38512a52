// The storage page end to end: where data lives, export to a file and import into another
// browser, and the way out when the vault's key is lost.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  blankPageUrl,
  goTo,
  openStudio,
  pageErrors,
  runSql,
  SOON,
  screenshot,
  useStudio,
} from './support.ts';

const env = useStudio();

async function importFile(page: Page, name: string, content: string) {
  await page
    .getByLabel('Import platform data file')
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
}

describe('the storage page in Chromium', () => {
  it('exports platform data without passwords and imports it into another browser, once', {
    timeout: 500_000,
  }, async () => {
    // Browser A: some work worth keeping.
    const a = await env.studio.newPage();
    const errorsA = pageErrors(a);
    await openStudio(a, env.studio.url);
    await runSql(a, "select 'export me' as x");
    await expect
      .poll(() => a.getByTestId('history-item').allTextContents(), SOON)
      .toEqual([expect.stringContaining('export me')]);
    await a.keyboard.press('Control+s');
    const save = a.getByTestId('save-dialog');
    await save.locator('input[name="name"]').fill('Exported query');
    await save.getByRole('button', { name: 'Save', exact: true }).click();
    await save.waitFor({ state: 'detached', timeout: 30_000 });
    await a.getByRole('button', { name: '+ Connection' }).click();
    const connection = a.getByRole('form', { name: 'New PostgreSQL connection' });
    await connection.locator('input[name="name"]').fill('Warehouse');
    await connection.locator('input[name="user"]').fill('analyst');
    await connection.locator('input[name="password"]').fill('pw-never-exported-5d1');
    await connection.getByRole('button', { name: 'Save' }).click();
    await connection.waitFor({ state: 'detached', timeout: 30_000 });

    await goTo(a, 'Storage');
    const pageA = a.getByTestId('storage-page');
    expect(await a.getByTestId('storage-location').textContent()).toMatch(/OPFS|IndexedDB/);
    await expect
      .poll(() => a.getByTestId('storage-usage').textContent(), SOON)
      .toMatch(/^This site uses .+ of .+ the browser allows\./);
    // What the data takes, not the browser's count: tens of MB for a new database, never 856 MB.
    expect(await a.getByTestId('database-size').textContent()).toMatch(
      /^The platform database takes (\d|[1-9]\d)(\.\d+)? MB \(of which 16(\.0)? MB is its write-ahead log/,
    );
    await expect
      .poll(() => a.getByTestId('vault-status').textContent(), SOON)
      .toBe('The vault opens normally.');
    await screenshot(a, 'storage.png');

    const [download] = await Promise.all([
      a.waitForEvent('download'),
      pageA.getByRole('button', { name: 'Export platform data' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^platform-data-\d{4}-\d{2}-\d{2}\.json$/);
    const text = await readFile(await download.path(), 'utf8');
    expect(text).not.toContain('pw-never-exported-5d1');
    const file = JSON.parse(text) as {
      format: string;
      history: { query: string }[];
      savedQueries: { name: string }[];
      connections: { name: string; user: string | null }[];
    };
    expect(file.format).toBe('platform-storage-export');
    expect(file.history.map((h) => h.query)).toEqual(["select 'export me' as x"]);
    expect(file.savedQueries.map((q) => q.name)).toEqual(['Exported query']);
    expect(file.connections).toEqual([
      expect.objectContaining({ name: 'Warehouse', user: 'analyst' }),
    ]);
    expect(errorsA).toEqual([]);

    // Browser B: a fresh profile of the browser, nothing in it yet.
    const b = await env.studio.newPage();
    const errorsB = pageErrors(b);
    await openStudio(b, `${env.studio.url}/#/storage`);
    const pageB = b.getByTestId('storage-page');

    // Bad files are refused whole, with the reason.
    await importFile(b, 'notes.json', 'these are not the droids');
    await expect
      .poll(() => b.getByRole('alert').textContent(), SOON)
      .toContain('notes.json is not a platform data file (it is not JSON).');
    await importFile(b, 'other.json', JSON.stringify({ format: 'something-else', version: 1 }));
    await expect
      .poll(() => b.getByRole('alert').textContent(), SOON)
      .toContain('other.json was not imported, nothing changed.');

    await importFile(b, 'platform-data.json', text);
    const report = pageB.getByTestId('transfer-report');
    await expect.poll(() => report.textContent(), SOON).toContain('1 history entries');
    expect(await report.textContent()).toContain('1 saved queries');
    expect(await report.textContent()).toContain('1 connections');

    await goTo(b, 'Workbench');
    await expect
      .poll(() => b.getByTestId('history-item').allTextContents(), SOON)
      .toEqual([expect.stringContaining('export me')]);
    expect(await b.locator('select[aria-label="Connection"] option').allTextContents()).toContain(
      'Warehouse · PostgreSQL',
    );
    await b.getByRole('tab', { name: 'Saved' }).click();
    await expect
      .poll(() => b.getByTestId('saved-item').allTextContents(), SOON)
      .toEqual([expect.stringContaining('Exported query')]);

    // The same file again adds nothing.
    await goTo(b, 'Storage');
    await importFile(b, 'platform-data.json', text);
    await expect
      .poll(() => pageB.getByTestId('transfer-report').textContent(), SOON)
      .toContain('Imported: 0 profiles, 0 history entries, 0 saved queries, 0 connections');
    await goTo(b, 'Workbench');
    await b.getByRole('tab', { name: 'History' }).click();
    await expect.poll(() => b.getByTestId('history-item').count(), SOON).toBe(1);
    expect(errorsB).toEqual([]);
  });

  it('offers a vault reset when its key is lost, after which protected profiles open again', {
    timeout: 500_000,
  }, async () => {
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    await openStudio(page, env.studio.url);
    await goTo(page, 'Profiles');
    await page.getByRole('button', { name: '+ New profile' }).click();
    const dialog = page.getByRole('form', { name: 'New profile' });
    await dialog.locator('input[name="username"]').fill('locked');
    await dialog.locator('input[name="password"]').fill('s3cret');
    await dialog.locator('input[name="confirm"]').fill('s3cret');
    await dialog.getByRole('button', { name: 'Create profile' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });

    // The browser loses the vault's key (site data partly cleared); the sealed entries remain.
    await page.goto(blankPageUrl(env.studio));
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.deleteDatabase('platform-vault-keys');
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error);
        }),
    );
    await openStudio(page, `${env.studio.url}/#/storage`);
    const status = page.getByTestId('vault-status');
    await expect.poll(() => status.textContent(), SOON).toContain("The vault's key is gone");

    await page.getByRole('button', { name: 'Reset the vault…' }).click();
    await page.getByRole('button', { name: 'Reset the vault', exact: true }).click();
    await expect.poll(() => status.textContent(), SOON).toBe('The vault opens normally.');

    // The profile's password went with the vault: it opens without one now.
    await page.getByTestId('profile').click();
    await page.getByRole('menuitemradio', { name: /^\s*locked\b/ }).click();
    await expect.poll(() => page.getByTestId('profile').textContent(), SOON).toContain('locked');
    expect(errors).toEqual([]);
  });
});
