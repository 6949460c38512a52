// The studio as users run it: `vite build` of apps/web, served by apps/server, in Chromium.
import { createDatabase } from '@platform/testing/postgres';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import {
  blankPageUrl,
  dumpStoredText,
  openStudio,
  pageErrors,
  runSql,
  STORAGE_TIMEOUT,
  screenshot,
  useStudio,
  waitForStorage,
} from './support.ts';

const env = useStudio();

const historyItem = (page: Page, text: string) =>
  page.getByTestId('history-item').filter({ hasText: text });

describe('the studio, built and served by apps/server', () => {
  it('runs SQL on a PostgreSQL connection added in its form, shows rows and errors, and stores the password nowhere in clear', {
    timeout: 420_000,
  }, async () => {
    const database = await createDatabase(inject('postgresUrl'), 'e2e');
    try {
      // The table, created through the server's own API (JSON, same origin rules as the page).
      const setup = await fetch(`${env.studio.url}/api/query`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          connection: { connectionString: database.url },
          sql: `create table plants (id int primary key, name text not null, petals int);
                insert into plants values (1, 'Phalaenopsis', 5), (2, 'Cattleya', 6), (3, 'Dendrobium', 5);`,
        }),
      });
      expect(setup.status).toBe(200);
      const target = new URL(database.url);
      const password = decodeURIComponent(target.password);
      expect(password.length).toBeGreaterThanOrEqual(8);

      const page = await env.studio.newPage();
      const errors = pageErrors(page);
      await openStudio(page, env.studio.url);

      // Add the connection through the form.
      await page.getByRole('button', { name: '+ Connection' }).click();
      const form = page.getByRole('form', { name: 'New PostgreSQL connection' });
      await form.locator('input[name="name"]').fill('Orchid catalogue');
      await form.locator('input[name="host"]').fill(target.hostname);
      await form.locator('input[name="port"]').fill(target.port || '5432');
      await form.locator('input[name="database"]').fill(database.name);
      await form.locator('input[name="user"]').fill(decodeURIComponent(target.username));
      await form.locator('input[name="password"]').fill(password);
      await screenshot(page, 'connection-form.png');
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });

      // The active tab now runs on it.
      const picker = page.locator('select[aria-label="Connection"]');
      await expect
        .poll(() => picker.evaluate((s: HTMLSelectElement) => s.options[s.selectedIndex]?.text))
        .toBe('Orchid catalogue · PostgreSQL');

      await runSql(page, 'select * from plants order by id');
      await expect
        .poll(() => page.getByTestId('row-count').textContent(), { timeout: 60_000 })
        .toBe('SELECT · 3 rows');
      expect(await page.locator('.grid-head').allTextContents()).toEqual(['id', 'name', 'petals']);
      const results = (await page.getByTestId('results').textContent()) ?? '';
      for (const name of ['Phalaenopsis', 'Cattleya', 'Dendrobium']) {
        expect(results).toContain(name);
      }
      await historyItem(page, 'select * from plants order by id')
        .first()
        .waitFor({ timeout: STORAGE_TIMEOUT });
      await screenshot(page, 'editor-result.png');

      // An error: Postgres' message, its code and position, and the token underlined.
      await runSql(page, 'select nme from plants');
      const error = page.getByTestId('query-error');
      await error.waitFor({ timeout: 60_000 });
      const message = (await error.textContent()) ?? '';
      expect(message).toContain('42703');
      expect(message).toContain('column "nme" does not exist');
      expect(message).toContain('(at character 8)');
      await expect
        .poll(() => page.locator('.cm-lintRange-error').first().textContent())
        .toBe('nme');
      await historyItem(page, 'select nme from plants').first().waitFor({ timeout: 60_000 });
      expect(errors).toEqual([]);

      // Leave the studio (its storage worker goes with it) and read what the origin stores.
      await page.goto(blankPageUrl(env.studio));
      let stored = await dumpStoredText(page);
      await expect
        .poll(
          async () => {
            stored = await dumpStoredText(page);
            return stored.lockedFiles;
          },
          { timeout: 30_000 },
        )
        .toBe(0);
      const browserDatabases = `${stored.indexedDb}\n${stored.opfs}`;
      // The dump does see the platform data: the connection is there, by its database name…
      expect(browserDatabases).toContain(database.name);
      // …but not its password, which only the encrypted vault in localStorage holds.
      expect(browserDatabases).not.toContain(password);
      expect(stored.localStorage).toContain('platform_vault_v1');
      expect(stored.localStorage).not.toContain(password);
    } finally {
      await env.studio.closeContexts();
      await database.drop();
    }
  });

  it("imports the old studio's localStorage data on first open and lists its history", {
    timeout: 300_000,
  }, async () => {
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    // What the legacy studio left in this origin's localStorage, before the new one first loads.
    await page.goto(blankPageUrl(env.studio));
    await page.evaluate(() => {
      localStorage.setItem(
        'orchids_db_connections',
        JSON.stringify([
          {
            id: 'legacy-conn',
            name: 'Legacy warehouse',
            type: 'postgres',
            host: 'warehouse.internal',
            port: 5432,
            user: 'analyst',
            password: 'legacy-secret-pw-91c',
            database: 'dw',
            createdAt: '2024-03-01T09:00:00.000Z',
          },
        ]),
      );
      localStorage.setItem(
        'orchids_db_history',
        JSON.stringify([
          {
            id: 'legacy-h2',
            connectionId: 'legacy-conn',
            connectionName: 'Legacy warehouse',
            tabName: 'Sales',
            query: 'select region, sum(total) from legacy_sales group by region',
            executionTime: 12,
            status: 'success',
            executedAt: '2024-03-02T10:00:00.000Z',
            rowCount: 42,
          },
          {
            id: 'legacy-h1',
            connectionId: 'legacy-conn',
            connectionName: 'Legacy warehouse',
            query: 'select * from legacy_missing',
            executionTime: 3,
            status: 'error',
            executedAt: '2024-03-01T10:00:00.000Z',
            errorMessage: 'relation "legacy_missing" does not exist',
          },
          // Damaged by hand or by an old bug: no query text. Skipped, and the report says why.
          { id: 'legacy-broken', status: 'success', executedAt: '2024-03-03T10:00:00.000Z' },
        ]),
      );
      localStorage.setItem(
        'orchids_db_saved',
        JSON.stringify([
          {
            id: 'legacy-saved',
            name: 'Sales by region',
            query: 'select region, sum(total) from legacy_sales group by region',
            connectionType: 'postgres',
            createdAt: '2024-03-01T09:30:00.000Z',
            updatedAt: '2024-03-01T09:30:00.000Z',
            tags: ['sales'],
          },
        ]),
      );
    });

    await openStudio(page, env.studio.url);

    // The History panel lists the imported entries, newest first, as the old studio logged them.
    const items = page.getByTestId('history-item');
    await expect.poll(() => items.count(), { timeout: STORAGE_TIMEOUT, interval: 250 }).toBe(2);
    const [newest, oldest] = await items.allTextContents();
    expect(newest).toContain('select region, sum(total) from legacy_sales group by region');
    expect(newest).toContain('Legacy warehouse');
    expect(newest).toContain('42 rows');
    expect(oldest).toContain('select * from legacy_missing');
    expect(oldest).toContain('relation "legacy_missing" does not exist');
    // The imported connection is offered in the connection picker.
    expect(
      await page.locator('select[aria-label="Connection"] option').allTextContents(),
    ).toContain('Legacy warehouse · PostgreSQL');

    // What came over and what did not, said once, with the details on the storage page.
    const notice = page.getByTestId('legacy-import-notice');
    expect(await notice.textContent()).toContain(
      '2 history entries, 1 saved queries, 1 connections; 1 skipped',
    );
    await notice.getByRole('link', { name: 'Details' }).click();
    const report = page.getByTestId('legacy-report');
    await report.waitFor({ timeout: 30_000 });
    const skipped = await page.getByTestId('legacy-skipped').allTextContents();
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toContain('history entry');
    expect(skipped[0]).toContain('#3');
    expect(skipped[0]).toContain('legacy-broken');
    expect(skipped[0]).toContain('query');
    expect(await report.textContent()).toContain('backed up in localStorage and removed');
    expect(await page.getByTestId('legacy-import-notice').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('runs the demo on the seeded directory the build ships, and seeds one itself when that cannot be fetched', {
    timeout: 300_000,
  }, async () => {
    const customers = async (page: Page) => {
      await runSql(page, "select count(*)::text || ' ' || min(name) from customers");
      await expect
        .poll(() => page.getByTestId('row-count').textContent(), { timeout: 120_000 })
        .toBe('SELECT · 1 row');
      return page
        .locator('[data-testid="results"] .grid-cell:not(.grid-head)')
        .first()
        .textContent();
    };
    const shipped = await env.studio.newPage();
    const demoRequests: string[] = [];
    shipped.context().on('request', (request) => {
      if (/demo-database[^/]*\.tgz$/.test(request.url())) demoRequests.push(request.url());
    });
    const errors = pageErrors(shipped);
    await openStudio(shipped, env.studio.url);
    const fromBuild = await customers(shipped);
    expect(demoRequests).toHaveLength(1);

    // The network gone after the page loaded: the worker runs initdb and the seed itself.
    const offline = await env.studio.newPage();
    let refused = 0;
    await offline.context().route(/demo-database[^/]*\.tgz$/, (route) => {
      refused++;
      return route.abort();
    });
    const offlineErrors = pageErrors(offline);
    await openStudio(offline, env.studio.url);
    expect(await customers(offline)).toBe(fromBuild);
    expect(refused).toBe(1);
    expect(fromBuild).toMatch(/^1000 /);
    expect([...errors, ...offlineErrors]).toEqual([]);
  });

  it('keeps platform history when the demo connection runs DROP TABLE query_logs', {
    timeout: 300_000,
  }, async () => {
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    await openStudio(page, env.studio.url);

    await runSql(page, 'select count(*) from customers');
    await expect
      .poll(() => page.getByTestId('row-count').textContent(), { timeout: 60_000 })
      .toBe('SELECT · 1 row');
    await historyItem(page, 'select count(*) from customers').first().waitFor({ timeout: 60_000 });

    // The demo database is the user's, not the platform's: this drops nothing of the env.studio.
    await runSql(page, 'drop table if exists query_logs');
    await historyItem(page, 'drop table if exists query_logs').first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('query-error').count()).toBe(0);
    await screenshot(page, 'history-panel.png');

    await page.reload();
    await page.locator('.cm-content').waitFor({ timeout: 30_000 });
    await waitForStorage(page);
    await historyItem(page, 'drop table if exists query_logs')
      .first()
      .waitFor({ timeout: STORAGE_TIMEOUT });
    expect(await historyItem(page, 'select count(*) from customers').count()).toBe(1);
    expect(await historyItem(page, 'drop table if exists query_logs').count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
