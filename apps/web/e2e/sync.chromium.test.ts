// Sync mode end to end in Chromium: the production build served by apps/server in sync mode,
// on a real PostgreSQL, with Electric's test double behind the server's shape proxy.
import pg from 'pg';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  goTo,
  openStudio,
  pageErrors,
  runSql,
  screenshot,
  useStudio,
  waitForStorage,
} from './support.ts';

const env = useStudio({ sync: true });

const SOON = { timeout: 60_000, interval: 250 };
const PASSWORD = 'correct horse battery';

const indicator = (page: Page) => page.getByTestId('sync-indicator');

async function waitSynced(page: Page) {
  await expect.poll(() => indicator(page).getAttribute('data-state'), SOON).toBe('synced');
}

/**
 * History entries on the server whose query contains `text`. The indicator can still say
 * "synced" for a moment after a local write, before the sync client has counted it: a spec that
 * needs a row on the server asks the server.
 */
async function historyOnServer(text: string): Promise<number> {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `select count(*)::int as n from query_logs where strpos(query, $1) > 0`,
      [text],
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

/** On the sync page: test the server, then create its first account or log in. */
async function turnSyncOn(page: Page, username: string, firstAccount: boolean) {
  await goTo(page, 'Sync');
  const sync = page.getByTestId('sync-page');
  await sync.getByRole('button', { name: 'Test connection' }).click();
  await expect
    .poll(() => page.getByTestId('sync-probe').textContent(), SOON)
    .toContain(firstAccount ? 'no account yet' : 'Log in with your account');
  const form = page.getByRole('form', {
    name: firstAccount ? 'Create the first account' : 'Log in to sync',
  });
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(PASSWORD);
  if (firstAccount) await form.locator('input[name="confirm"]').fill(PASSWORD);
  await form.getByRole('button').click();
  await expect.poll(() => sync.textContent(), SOON).toContain(`"${username}" syncs with`);
  await waitSynced(page);
}

async function saveQuery(page: Page, sql: string, name: string) {
  await goTo(page, 'Workbench');
  await runSql(page, sql);
  await page.keyboard.press('Control+s');
  const dialog = page.getByTestId('save-dialog');
  await dialog.locator('input[name="name"]').fill(name);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
}

async function savedNames(page: Page): Promise<string[]> {
  await goTo(page, 'Workbench');
  await page.getByRole('tab', { name: 'Saved', exact: true }).click();
  return (await page.getByTestId('saved-item').allTextContents()).map((t) => t.trim());
}

describe('sync mode in Chromium', () => {
  it("shows one user's saved queries in two browsers, both ways, live", {
    timeout: 500_000,
  }, async () => {
    const a = await env.studio.newPage();
    const errorsA = pageErrors(a);
    await openStudio(a, env.studio.url);
    expect(await indicator(a).textContent()).toBe('Browser only');
    await saveQuery(a, 'select 1 as before_sync', 'Made before sync');
    await turnSyncOn(a, 'ada', true);
    await screenshot(a, 'sync.png');

    const b = await env.studio.newPage();
    const errorsB = pageErrors(b);
    await openStudio(b, env.studio.url);
    await turnSyncOn(b, 'ada', false);
    await expect
      .poll(() => savedNames(b), SOON)
      .toEqual([expect.stringContaining('Made before sync')]);

    await saveQuery(b, 'select 2 as from_b', 'Saved in B');
    await expect.poll(async () => (await savedNames(a)).join('|'), SOON).toContain('Saved in B');
    await saveQuery(a, 'select 3 as from_a', 'Saved in A');
    await expect.poll(async () => (await savedNames(b)).join('|'), SOON).toContain('Saved in A');
    expect(errorsA).toEqual([]);
    expect(errorsB).toEqual([]);
  });

  it('gets everything back after the browser’s storage is cleared, by logging in again', {
    timeout: 500_000,
  }, async () => {
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    await openStudio(page, env.studio.url);
    await turnSyncOn(page, 'ada', false);
    await goTo(page, 'Workbench');
    await runSql(page, "select 'remember me' as history_entry");
    await expect
      .poll(() => page.getByTestId('history-item').allTextContents(), SOON)
      .toEqual(expect.arrayContaining([expect.stringContaining('remember me')]));
    await expect.poll(() => historyOnServer('remember me'), SOON).toBe(1);
    await waitSynced(page);

    // Site data cleared: OPFS, IndexedDB, localStorage and the session cookie all go.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: env.studio.url, storageTypes: 'all' });
    await page.reload();
    await waitForStorage(page);
    expect(await indicator(page).textContent()).toBe('Browser only');
    await goTo(page, 'Workbench');
    await page.getByRole('tab', { name: 'History', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('history-panel').textContent(), SOON)
      .toContain('No queries yet.');

    await turnSyncOn(page, 'ada', false);
    await goTo(page, 'Workbench');
    await page.getByRole('tab', { name: 'History', exact: true }).click();
    await expect
      .poll(async () => (await page.getByTestId('history-item').allTextContents()).join('|'), SOON)
      .toContain('remember me');
    await expect.poll(async () => (await savedNames(page)).join('|'), SOON).toContain('Saved in A');
    expect(errors).toEqual([]);
  });

  it('keeps working offline, counting what waits, and sends it when back', {
    timeout: 500_000,
  }, async () => {
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    await openStudio(page, env.studio.url);
    await turnSyncOn(page, 'ada', false);

    await page.context().setOffline(true);
    await goTo(page, 'Workbench');
    await runSql(page, "select 'written offline' as x");
    await expect.poll(() => indicator(page).textContent(), SOON).toMatch(/pending/);
    await expect.poll(() => indicator(page).getAttribute('data-state'), SOON).toBe('offline');

    await page.context().setOffline(false);
    await waitSynced(page);
    await expect.poll(() => historyOnServer('written offline'), SOON).toBe(1);
    expect(errors).toEqual([]);
  });
});
