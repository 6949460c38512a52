// A browser the real studio (libredb-studio) used, of each key generation, opening this studio
// for the first time: everything it stored is shown, in its order, the secrets work, and none
// of them is left in clear text anywhere the browser keeps data.
import {
  bothGenerations,
  createLegacyRng,
  type LegacyGeneration,
  legacyConnection,
  legacyLocalStorage,
  secretSearchForms,
} from '@platform/testing/legacy-studio';
import { createDatabase } from '@platform/testing/postgres';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import {
  blankPageUrl,
  dumpStoredText,
  openStudio,
  pageErrors,
  runSql,
  SOON,
  STORAGE_TIMEOUT,
  useStudio,
} from './support.ts';

const env = useStudio();

type Item = Record<string, unknown> & { id: string };
const parsed = (entries: Record<string, string>, key: string): Item[] =>
  entries[key] ? (JSON.parse(entries[key]) as Item[]) : [];

/**
 * The order the import promises: the newer generation's list as it was, then the older
 * generation's items it lacks.
 */
function listOrder(entries: Record<string, string>, newer: string, older: string): Item[] {
  const first = parsed(entries, newer);
  const ids = new Set(first.map((item) => item.id));
  return [...first, ...parsed(entries, older).filter((item) => !ids.has(item.id))];
}

interface Browser {
  entries: Record<string, string>;
  secrets: string[];
}

/** The generated browser, plus one PostgreSQL connection of its own that really connects. */
async function realShapedBrowser(
  generation: LegacyGeneration | 'both',
): Promise<Browser & { drop(): Promise<void> }> {
  const made =
    generation === 'both'
      ? bothGenerations({
          seed: 11,
          orchids: { history: 24, savedQueries: 4 },
          libredb: { history: 24, savedQueries: 4 },
        })
      : legacyLocalStorage({ generation, seed: 11, history: 36, savedQueries: 5 });
  const entries = { ...made.entries };
  const database = await createDatabase(inject('postgresUrl'), 'legacy_e2e');
  const url = new URL(database.url);
  const role = `studio_${generation}`;
  const password = `SECRET-live-${generation}-p@ss:w/rd?#`;
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`drop role if exists ${role}`);
  await admin.query(`create role ${role} login password '${password.replace(/'/g, "''")}'`);
  await admin.query(`create table legacy_live (n int); insert into legacy_live values (42)`);
  await admin.query(`grant select on legacy_live to ${role}`);
  await admin.end();

  const rng = createLegacyRng(`live-${generation}`);
  const live = {
    ...legacyConnection(rng, { type: 'postgres', createdAt: new Date('2026-11-20T10:00:00Z') }),
    name: `Live ${generation}`,
    host: url.hostname,
    port: Number(url.port),
    user: role,
    password,
    database: url.pathname.slice(1),
  };
  const key = generation === 'orchids' ? 'orchids_db_connections' : 'libredb_connections';
  entries[key] = JSON.stringify([...parsed(entries, key), live]);
  return {
    entries,
    secrets: [...made.secrets, password],
    drop: async () => {
      await database.drop();
      const cleanup = new pg.Client({ connectionString: inject('postgresUrl') });
      await cleanup.connect();
      await cleanup.query(`drop role if exists ${role}`);
      await cleanup.end();
    },
  };
}

async function seed(page: Page, entries: Record<string, string>): Promise<void> {
  await page.goto(blankPageUrl(env.studio));
  await page.evaluate((all) => {
    localStorage.clear();
    for (const [key, value] of Object.entries(all)) localStorage.setItem(key, value);
  }, entries);
}

/** Every history entry the panel lists, scrolling until it has loaded them all. */
async function allHistory(page: Page, expected: number): Promise<string[]> {
  const list = page.getByTestId('history-panel').locator('.history-list');
  await expect
    .poll(
      async () => {
        await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
        return page.getByTestId('history-item').count();
      },
      { timeout: STORAGE_TIMEOUT, interval: 250 },
    )
    .toBe(expected);
  return page.locator('[data-testid="history-item"] .history-query').allTextContents();
}

async function sidebar(page: Page, name: 'History' | 'Saved' | 'Connections'): Promise<void> {
  await page.getByRole('tab', { name }).click();
}

describe('a browser the real studio used, opening this studio', () => {
  for (const generation of ['orchids', 'libredb', 'both'] as const) {
    it(`shows everything of ${generation === 'both' ? 'both key generations' : `the ${generation} keys`} in the studio's order, its secrets working and nowhere in clear text`, {
      timeout: 600_000,
    }, async () => {
      const browser = await realShapedBrowser(generation);
      onTestFinished(() => browser.drop());
      const { entries, secrets } = browser;
      const connections =
        generation === 'orchids'
          ? parsed(entries, 'orchids_db_connections')
          : listOrder(entries, 'libredb_connections', 'orchids_db_connections');
      const saved =
        generation === 'orchids'
          ? parsed(entries, 'orchids_db_saved')
          : listOrder(entries, 'libredb_saved_queries', 'orchids_db_saved');
      const history = [
        ...parsed(entries, 'libredb_history'),
        ...parsed(entries, 'orchids_db_history'),
      ];
      expect(connections.length).toBeGreaterThan(3);
      expect(history.length).toBeGreaterThan(20);

      const page = await env.studio.newPage();
      const errors = pageErrors(page);
      await seed(page, entries);
      await openStudio(page, env.studio.url);

      // Every connection, of every type, in the order the studio kept them (after the demo).
      await sidebar(page, 'Connections');
      const names = page.locator('[data-testid="connection-item"] .saved-name');
      await expect
        .poll(() => names.count(), { timeout: STORAGE_TIMEOUT, interval: 250 })
        .toBe(connections.length + 1);
      expect((await names.allTextContents()).slice(1)).toEqual(connections.map((c) => c.name));
      const types = await page
        .locator('[data-testid="connection-item"]')
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-type')));
      expect(types.slice(1)).toEqual(connections.map((c) => c.type));

      // Every history entry, newest first, across connections.
      await sidebar(page, 'History');
      await page.getByRole('button', { name: 'All connections' }).click();
      const shown = await allHistory(page, history.length);
      const byTime = [...history].sort(
        (a, b) => Date.parse(String(b.executedAt)) - Date.parse(String(a.executedAt)),
      );
      expect(shown).toEqual(byTime.map((h) => h.query));

      // Every saved query, in the order they were saved.
      await sidebar(page, 'Saved');
      const savedNames = page.locator('[data-testid="saved-item"] .saved-name');
      await expect.poll(() => savedNames.count(), SOON).toBe(saved.length);
      expect(await savedNames.allTextContents()).toEqual(saved.map((q) => q.name));

      // The imported password works: the studio connects with it.
      await sidebar(page, 'Connections');
      await page
        .locator('[data-testid="connection-item"]', { hasText: `Live ${generation}` })
        .getByRole('button')
        .click();
      await runSql(page, 'select n from legacy_live');
      await expect
        .poll(() => page.getByTestId('row-count').textContent(), { timeout: 60_000 })
        .toBe('SELECT · 1 row');

      // And no secret is anywhere the browser keeps data, raw or JSON-escaped.
      const probe = await page.context().newPage();
      await page.close();
      await probe.goto(blankPageUrl(env.studio));
      let stored = await dumpStoredText(probe);
      await expect
        .poll(
          async () => {
            stored = await dumpStoredText(probe);
            return stored.lockedFiles;
          },
          { timeout: 30_000 },
        )
        .toBe(0);
      const everything = `${stored.localStorage}\n${stored.indexedDb}\n${stored.opfs}`;
      // The scan sees the data itself (the connection's row is in the files)…
      expect(everything).toContain(`Live ${generation}`);
      for (const secret of secrets) {
        for (const form of secretSearchForms(secret)) expect(everything).not.toContain(form);
      }
      expect(errors).toEqual([]);
    });
  }
});
