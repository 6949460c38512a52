// Everything the real studio stored, shown and used: connections of every type, the active
// connection and its tabs, history sorted and exported, saved queries by type.
import { readFile } from 'node:fs/promises';
import { createDatabase } from '@platform/testing/postgres';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import {
  blankPageUrl,
  goTo,
  openStudio,
  pageErrors,
  runSql,
  SOON,
  STORAGE_TIMEOUT,
  screenshot,
  useStudio,
  waitForStorage,
} from './support.ts';

const env = useStudio();

interface LegacyData {
  connections?: unknown[];
  history?: unknown[];
  saved?: unknown[];
}

/** What the old studio left in this origin's localStorage, before the studio first opens. */
async function seedLegacy(page: Page, data: LegacyData): Promise<void> {
  await page.goto(blankPageUrl(env.studio));
  await page.evaluate((d) => {
    if (d.connections)
      localStorage.setItem('orchids_db_connections', JSON.stringify(d.connections));
    if (d.history) localStorage.setItem('orchids_db_history', JSON.stringify(d.history));
    if (d.saved) localStorage.setItem('orchids_db_saved', JSON.stringify(d.saved));
  }, data);
}

const picker = (page: Page) => page.locator('select[aria-label="Connection"]');
const selectedConnection = (page: Page) =>
  picker(page).evaluate((s: HTMLSelectElement) => s.options[s.selectedIndex]?.text);
const tabNames = (page: Page) => page.locator('.tab .tab-name').allTextContents();
const editorText = (page: Page) => page.locator('.cm-content').textContent();
const workspace = (page: Page) => page.locator('.tab-bar').getAttribute('data-workspace');

/** A small RFC 4180 reader: fields quoted with doubled quotes, records on `\n`. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  rows.push(row);
  return rows;
}

async function download(page: Page, button: Locator): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

const NOT_RUN =
  'connections are kept and shown, but this studio runs only PostgreSQL and the demo database.';

describe('the studio shows and uses everything the real one stored', () => {
  it('lists connections of every type in insertion order with their types; runs those it can, and says so for the others', {
    timeout: 400_000,
  }, async () => {
    const database = await createDatabase(inject('postgresUrl'), 'e2e_types');
    try {
      const target = new URL(database.url);
      const password = decodeURIComponent(target.password);
      const page = await env.studio.newPage();
      const errors = pageErrors(page);
      const sent: string[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/api/query') sent.push(r.postData() ?? '');
      });
      const at = '2026-03-01T09:00:00.000Z';
      await seedLegacy(page, {
        connections: [
          {
            id: 'shop',
            name: 'Shop MySQL',
            type: 'mysql',
            host: 'mysql.internal',
            port: 3306,
            user: 'shop',
            password: 'mysql-secret-1',
            createdAt: at,
            environment: 'production',
            color: '#ef4444',
          },
          {
            id: 'analytics',
            name: 'Analytics PG',
            type: 'postgres',
            host: target.hostname,
            port: Number(target.port || 5432),
            user: decodeURIComponent(target.username),
            password,
            database: database.name,
            createdAt: at,
          },
          {
            id: 'events',
            name: 'Events Mongo',
            type: 'mongodb',
            connectionString: 'mongodb://events.internal:27017/events',
            createdAt: at,
            environment: 'staging',
          },
          { id: 'notes', name: 'Local file', type: 'sqlite', database: '/tmp/x.db', createdAt: at },
          {
            id: 'demo-mock',
            name: 'Demo Database (Mock)',
            type: 'demo',
            createdAt: at,
            isDemo: true,
          },
          {
            id: 'future',
            name: 'Future DB',
            type: 'snowflake',
            host: 'x.snowflake',
            createdAt: at,
          },
        ],
      });
      await openStudio(page, env.studio.url);

      // Every one, in the order they were added, with its type and environment.
      await expect
        .poll(() => picker(page).locator('option').allTextContents(), SOON)
        .toEqual([
          'Demo (in browser)',
          'Shop MySQL · MySQL · PROD',
          'Analytics PG · PostgreSQL',
          'Events Mongo · MongoDB · STAGING',
          'Local file · SQLite',
          'Demo Database (Mock) · Demo',
          'Future DB · snowflake',
        ]);
      // Nothing saved said which was active: the first one, as the real studio picks.
      await expect.poll(() => selectedConnection(page), SOON).toBe('Shop MySQL · MySQL · PROD');
      const notice = page.getByTestId('not-run-here');
      expect(await notice.textContent()).toBe(`MySQL ${NOT_RUN}`);

      await page.getByRole('tab', { name: 'Connections' }).click();
      const items = page.getByTestId('connection-item');
      expect(await items.locator('.saved-name').allTextContents()).toEqual([
        'Demo (in browser)',
        'Shop MySQL',
        'Analytics PG',
        'Events Mongo',
        'Local file',
        'Demo Database (Mock)',
        'Future DB',
      ]);
      expect(await items.getByTestId('connection-type').allTextContents()).toEqual([
        'PostgreSQL · in browser',
        'MySQL',
        'PostgreSQL',
        'MongoDB',
        'SQLite',
        'Demo',
        'snowflake',
      ]);
      expect(
        await items.evaluateAll((li) => li.map((e) => e.getAttribute('data-runnable'))),
      ).toEqual(['true', 'false', 'true', 'false', 'false', 'true', 'false']);
      const prod = items.filter({ hasText: 'Shop MySQL' }).getByTestId('connection-env');
      expect(await prod.textContent()).toBe('PROD');
      expect(await prod.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(239, 68, 68)');
      // Staging's colour is its environment's, the connection having none of its own.
      const staging = items.filter({ hasText: 'Events Mongo' }).getByTestId('connection-env');
      expect(await staging.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(234, 179, 8)');
      await screenshot(page, 'connections.png');

      // Running on MySQL says why not, and sends nothing anywhere.
      await runSql(page, 'select 1 as never_sent');
      await expect
        .poll(() => page.getByTestId('query-error').textContent(), SOON)
        .toBe(`MySQL ${NOT_RUN}`);
      expect(sent).toEqual([]);

      // PostgreSQL runs through the server, with the password the vault kept.
      await picker(page).selectOption({ label: 'Analytics PG · PostgreSQL' });
      await expect.poll(() => notice.count(), SOON).toBe(0);
      await runSql(page, 'select current_database() as db');
      await expect
        .poll(() => page.getByTestId('row-count').textContent(), { timeout: 60_000 })
        .toBe('SELECT · 1 row');
      expect(await page.getByTestId('results').textContent()).toContain(database.name);
      const run = sent
        .map((body) => JSON.parse(body) as { sql: string; connection: { password?: string } })
        .find((body) => body.sql === 'select current_database() as db');
      expect(run?.connection.password).toBe(password);

      // The old studios' demo entry runs on the demo database in the browser.
      await picker(page).selectOption({ label: 'Demo Database (Mock) · Demo' });
      await runSql(page, 'select count(*) from customers');
      await expect
        .poll(() => page.locator('.grid-cell.cell-number').first().textContent(), SOON)
        .toBe('1000');
      expect(await notice.count()).toBe(0);

      // A type this studio has never heard of: shown by its name, and not run either.
      await picker(page).selectOption({ label: 'Future DB · snowflake' });
      await expect.poll(() => notice.textContent(), SOON).toBe(`snowflake ${NOT_RUN}`);

      // The run refused on MySQL was never logged; the others were.
      await page.getByRole('tab', { name: 'History', exact: true }).click();
      await page.getByRole('button', { name: 'All connections' }).click();
      const history = page.getByTestId('history-item');
      await expect
        .poll(() => history.allTextContents(), SOON)
        .toEqual([
          expect.stringContaining('select count(*) from customers'),
          expect.stringContaining('select current_database() as db'),
        ]);
      expect(errors).toEqual([]);
    } finally {
      await env.studio.closeContexts();
      await database.drop();
    }
  });

  it('opens on the active connection with its tabs after a reload, and keeps them saved as the user works', {
    timeout: 400_000,
  }, async () => {
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    await seedLegacy(page, {
      connections: [
        { id: 'warehouse', name: 'Warehouse', type: 'mysql', createdAt: '2026-01-01T00:00:00Z' },
        {
          id: 'demo-mock',
          name: 'Demo Database (Mock)',
          type: 'demo',
          createdAt: '2026-01-02T00:00:00Z',
        },
      ],
    });
    await openStudio(page, env.studio.url);

    // First open: the first connection, one empty tab on it, as the real studio starts.
    await expect.poll(() => selectedConnection(page), SOON).toBe('Warehouse · MySQL');
    expect(await tabNames(page)).toEqual(['Query 1']);

    // Work: this tab onto the demo entry, a second tab, the first one active again.
    await picker(page).selectOption({ label: 'Demo Database (Mock) · Demo' });
    await runSql(page, 'select 1 as first_tab');
    await page.getByRole('button', { name: 'New tab' }).click();
    await runSql(page, 'select 2 as second_tab');
    await page.locator('.tab', { hasText: 'Query 1' }).click();
    await expect.poll(() => editorText(page), SOON).toBe('select 1 as first_tab');
    await expect.poll(() => workspace(page), SOON).toBe('saved');

    await page.reload();
    await waitForStorage(page);
    await expect.poll(() => tabNames(page), SOON).toEqual(['Query 1', 'Query 2']);
    await expect
      .poll(() => page.locator('.tab.active .tab-name').textContent(), SOON)
      .toBe('Query 1');
    expect(await editorText(page)).toBe('select 1 as first_tab');
    expect(await selectedConnection(page)).toBe('Demo Database (Mock) · Demo');
    await page.locator('.tab', { hasText: 'Query 2' }).click();
    await expect.poll(() => editorText(page), SOON).toBe('select 2 as second_tab');
    expect(await selectedConnection(page)).toBe('Demo Database (Mock) · Demo');

    // More work: line numbers off, the second tab closed, the first moved to Warehouse.
    expect(await page.locator('.cm-lineNumbers').count()).toBe(1);
    await page.getByRole('button', { name: 'Line numbers' }).click();
    await expect.poll(() => page.locator('.cm-lineNumbers').count(), SOON).toBe(0);
    await page.getByRole('button', { name: 'Close Query 2' }).click();
    await expect.poll(() => tabNames(page), SOON).toEqual(['Query 1']);
    await picker(page).selectOption({ label: 'Warehouse · MySQL' });
    await expect.poll(() => workspace(page), SOON).toBe('saved');

    await page.reload();
    await waitForStorage(page);
    await expect.poll(() => selectedConnection(page), SOON).toBe('Warehouse · MySQL');
    await expect.poll(() => tabNames(page), SOON).toEqual(['Query 1']);
    expect(await editorText(page)).toBe('select 1 as first_tab');
    expect(await page.getByTestId('not-run-here').textContent()).toBe(`MySQL ${NOT_RUN}`);
    expect(await page.locator('.cm-lineNumbers').count()).toBe(0);
    // The closed tab stays closed: the demo entry's saved tabs are none now.
    await picker(page).selectOption({ label: 'Demo Database (Mock) · Demo' });
    await expect.poll(() => workspace(page), SOON).toBe('saved');
    expect(await tabNames(page)).toEqual(['Query 1']);
    expect(errors).toEqual([]);
  });

  it('sorts history by duration and exports the view and its filters, all of it, as CSV and JSON', {
    timeout: 400_000,
  }, async () => {
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    const t0 = Date.UTC(2026, 2, 1, 8);
    // 60 runs on Shop (more than the panel's first page of 50), 5 on Notes; durations distinct.
    const history = [
      ...Array.from({ length: 60 }, (_, i) => ({
        id: `shop-${i}`,
        connectionId: 'shop',
        connectionName: 'Shop, EU',
        tabName: `Tab ${i % 3}`,
        query:
          i === 17 ? "select \"a,b\", 'it''s'\nfrom t -- quote \" here" : `select ${i} from orders`,
        executionTime: ((i * 37) % 61) * 10 + 5,
        status: i % 10 === 9 ? 'error' : 'success',
        ...(i % 10 === 9 ? { errorMessage: 'syntax error at or near ","' } : { rowCount: i }),
        executedAt: new Date(t0 + i * 60_000).toISOString(),
        ...(i === 17 ? { engine: 'mysql-8.4' } : {}),
      })),
      ...Array.from({ length: 5 }, (_, i) => ({
        id: `notes-${i}`,
        connectionId: 'notes',
        connectionName: 'Notes',
        query: `select * from notes where id = ${i}`,
        executionTime: 1000 + i,
        status: 'success',
        rowCount: 1,
        executedAt: new Date(t0 + (100 + i) * 60_000).toISOString(),
      })),
    ].reverse(); // The old studio kept its history newest first.
    await seedLegacy(page, {
      connections: [
        { id: 'shop', name: 'Shop, EU', type: 'mysql', createdAt: '2026-01-01T00:00:00Z' },
        { id: 'notes', name: 'Notes', type: 'sqlite', createdAt: '2026-01-02T00:00:00Z' },
      ],
      history,
    });
    await openStudio(page, env.studio.url);

    // The active connection's history, its first page.
    const items = page.getByTestId('history-item');
    await expect.poll(() => selectedConnection(page), SOON).toBe('Shop, EU · MySQL');
    await expect.poll(() => items.count(), { timeout: STORAGE_TIMEOUT, interval: 250 }).toBe(50);
    expect(await items.first().textContent()).toContain('select 59 from orders');

    await page.getByLabel('Sort history').selectOption({ label: 'Longest first' });
    const shown = async () =>
      (await items.allTextContents()).map((t) => Number(/ · (\d+) ms/.exec(t)?.[1]));
    const shopDurations = history
      .filter((h) => h.connectionId === 'shop')
      .map((h) => h.executionTime)
      .sort((a, b) => b - a);
    await expect.poll(shown, SOON).toEqual(shopDurations.slice(0, 50));

    // CSV: every entry of the view (60, not the 50 shown), in this order, quoted as it must be.
    const csv = await download(page, page.getByRole('button', { name: 'Export CSV' }));
    expect(csv.name).toMatch(/^query_history_\d+\.csv$/);
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(csv.text.slice(1));
    expect(header).toEqual([
      'Executed At',
      'Status',
      'Connection',
      'Tab',
      'Execution Time (ms)',
      'Rows',
      'Query',
      'Error',
    ]);
    expect(rows).toHaveLength(60);
    expect(rows.map((r) => Number(r[4]))).toEqual(shopDurations);
    const tricky = history.find((h) => h.id === 'shop-17');
    expect(rows.find((r) => r[6]?.startsWith('select "a,b"'))).toEqual([
      tricky?.executedAt,
      'success',
      'Shop, EU',
      'Tab 2',
      String(tricky?.executionTime),
      '17',
      tricky?.query,
      '',
    ]);
    expect(rows.find((r) => r[6] === 'select 9 from orders')?.slice(1, 8)).toEqual([
      'error',
      'Shop, EU',
      'Tab 0',
      String(history.find((h) => h.id === 'shop-9')?.executionTime),
      '',
      'select 9 from orders',
      'syntax error at or near ","',
    ]);

    // JSON: every connection's now, errors only; the studio's own objects, extra fields kept.
    await page.getByRole('button', { name: 'All connections' }).click();
    await page.getByLabel('Status').selectOption('success');
    await expect.poll(() => items.first().textContent(), SOON).toContain('notes where id = 4');
    const json = await download(page, page.getByRole('button', { name: 'Export JSON' }));
    expect(json.name).toMatch(/^query_history_\d+\.json$/);
    const exported = JSON.parse(json.text) as Record<string, unknown>[];
    const expected = history
      .filter((h) => h.status === 'success')
      .sort((a, b) => b.executionTime - a.executionTime);
    expect(exported.map((h) => h.id)).toEqual(expected.map((h) => h.id));
    expect(exported.find((h) => h.id === 'shop-17')).toEqual(tricky);
    expect(exported.find((h) => h.id === 'notes-0')).toEqual(
      history.find((h) => h.id === 'notes-0'),
    );
    await screenshot(page, 'history-sorted.png');
    expect(errors).toEqual([]);
  });

  it("filters saved queries by the active connection's type", { timeout: 300_000 }, async () => {
    const page = await env.studio.newPage();
    const errors = pageErrors(page);
    const saved = (id: string, name: string, connectionType: string) => ({
      id,
      name,
      query: `-- ${name}`,
      connectionType,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      tags: [],
    });
    await seedLegacy(page, {
      connections: [
        { id: 'events', name: 'Events', type: 'mongodb', createdAt: '2026-01-01T00:00:00Z' },
      ],
      saved: [
        saved('s-pg', 'PG report', 'postgres'),
        saved('s-mongo', 'Mongo finder', 'mongodb'),
        saved('s-mysql', 'MySQL orders', 'mysql'),
      ],
    });
    await openStudio(page, env.studio.url);
    await expect.poll(() => selectedConnection(page), SOON).toBe('Events · MongoDB');

    await page.getByRole('tab', { name: 'Saved' }).click();
    const names = () => page.getByTestId('saved-item').locator('.saved-name').allTextContents();
    await expect.poll(names, SOON).toEqual(['PG report', 'Mongo finder', 'MySQL orders']);
    expect(await page.getByTestId('saved-type').allTextContents()).toEqual([
      'PostgreSQL',
      'MongoDB',
      'MySQL',
    ]);

    const onlyType = page.getByRole('checkbox', { name: /^Only .* queries$/ });
    await page.getByLabel('Only MongoDB queries').check();
    await expect.poll(names, SOON).toEqual(['Mongo finder']);

    // The demo is PostgreSQL: its type's queries, and what is saved on it is saved as such.
    await picker(page).selectOption({ label: 'Demo (in browser)' });
    await expect
      .poll(() => onlyType.evaluate((e) => e.parentElement?.textContent), SOON)
      .toBe('Only PostgreSQL queries');
    await expect.poll(names, SOON).toEqual(['PG report']);
    await page.locator('.cm-content').focus();
    await page.keyboard.press('Control+s');
    const dialog = page.getByTestId('save-dialog');
    await dialog.locator('input[name="name"]').fill('Saved on the demo');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(names, SOON).toEqual(['PG report', 'Saved on the demo']);

    await onlyType.uncheck();
    await expect
      .poll(names, SOON)
      .toEqual(['PG report', 'Mongo finder', 'MySQL orders', 'Saved on the demo']);
    await goTo(page, 'Workbench');
    expect(errors).toEqual([]);
  });
});
