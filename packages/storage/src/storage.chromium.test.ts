import { fileURLToPath } from 'node:url';
import { buildPage } from '@platform/testing/build-page';
import { launchChromium } from '@platform/testing/chromium';
import { type StaticServer, serveDirectory } from '@platform/testing/static-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LEGACY_BACKUP_KEY, LEGACY_KEYS } from './legacy/import.ts';
import { prebuiltDatabasePlugin } from './prebuilt/vite-plugin.ts';

interface StoragePage {
  attempt(method: string): Promise<{ name: string; code: string; reason?: string } | null>;
  call(method: string, ...args: unknown[]): Promise<unknown>;
  watch(): void;
  events(): { table: string; origin: string }[];
  close(): Promise<void>;
  dumpIndexedDb(): Promise<string>;
  dumpOpfs(): Promise<{ files: number; text: string }>;
  localStorageText(): string;
  profilePasswordHash(userId: string): Promise<string | null>;
}
declare const storagePage: StoragePage;

let browser: Browser;
let server: StaticServer;
let context: BrowserContext;

beforeAll(async () => {
  const dist = await buildPage(fileURLToPath(new URL('./test-pages/storage', import.meta.url)), {
    plugins: () => [prebuiltDatabasePlugin()],
  });
  server = await serveDirectory(dist);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
// A fresh context is a fresh origin storage: IndexedDB, OPFS and localStorage all empty.
beforeEach(async () => {
  context = await browser.newContext();
});
afterEach(async () => {
  await context.close();
});

async function openPage(query = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => document.title === 'ready');
  return page;
}

const call = (page: Page, method: string, ...args: unknown[]) =>
  page.evaluate(([m, a]) => storagePage.call(m as string, ...(a as unknown[])), [
    method,
    args,
  ] as const);

const item = (id: string, second: number) => ({
  id,
  connectionId: 'demo',
  query: `select '${id}'`,
  executionTime: 1,
  status: 'success',
  executedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
});

describe('storage in Chromium', () => {
  it('keeps history and saved queries across a reload', { timeout: 180_000 }, async () => {
    const page = await openPage();
    await call(page, 'addToHistory', item('h1', 1));
    await call(page, 'saveQuery', {
      id: 's1',
      name: 'kept',
      query: 'select 1',
      connectionType: 'postgres',
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    });
    await call(page, 'flush');

    await page.reload();
    await page.waitForFunction(() => document.title === 'ready');

    expect(await call(page, 'getHistory')).toMatchObject([{ id: 'h1' }]);
    expect(await call(page, 'getSavedQueries')).toMatchObject([{ id: 's1', name: 'kept' }]);
  });

  it('two tabs writing at once lose nothing, and each hears of the other', {
    timeout: 240_000,
  }, async () => {
    const [a, b] = [await openPage(), await openPage()];
    await call(a, 'open');
    await call(b, 'open');
    await call(a, 'preferences.setHistoryRetention', { maxEntries: 1000, maxAgeDays: null });
    await a.evaluate(() => storagePage.watch());

    await Promise.all([
      (async () => {
        for (let i = 0; i < 40; i++) await call(a, 'addToHistory', item(`a${i}`, i));
      })(),
      (async () => {
        for (let i = 0; i < 40; i++) await call(b, 'addToHistory', item(`b${i}`, i));
      })(),
    ]);

    const fromA = (await call(a, 'getHistory')) as { id: string }[];
    const fromB = (await call(b, 'getHistory')) as { id: string }[];
    expect(fromA).toHaveLength(80);
    expect(new Set(fromA.map((h) => h.id)).size).toBe(80);
    expect(fromB.map((h) => h.id)).toEqual(fromA.map((h) => h.id));
    const events = await a.evaluate(() => storagePage.events());
    expect(
      events.filter((e) => e.origin === 'remote' && e.table === 'query_logs').length,
    ).toBeGreaterThan(0);
  });

  it('imports the legacy data from real localStorage on first open', {
    timeout: 180_000,
  }, async () => {
    const page = await openPage();
    await page.evaluate((keys) => {
      localStorage.setItem(
        keys.history,
        JSON.stringify([
          {
            id: 'old2',
            connectionId: 'c',
            query: 'select 2',
            executionTime: 2,
            status: 'success',
            executedAt: '2024-01-01T00:00:02.000Z',
          },
          {
            id: 'old1',
            connectionId: 'c',
            query: 'select 1',
            executionTime: 1,
            status: 'error',
            executedAt: '2024-01-01T00:00:01.000Z',
            errorMessage: 'x',
          },
          {
            id: 'broken',
            connectionId: 'c',
            executionTime: 1,
            status: 'success',
            executedAt: 'never',
          },
        ]),
      );
      localStorage.setItem(
        keys.savedQueries,
        JSON.stringify([
          {
            id: 'q',
            name: 'n',
            query: 'select 1',
            connectionType: 'postgres',
            createdAt: '2024-01-01T00:00:00.000Z',
            updatedAt: '2024-01-01T00:00:00.000Z',
            tags: ['t'],
          },
        ]),
      );
      localStorage.setItem(
        keys.connections,
        JSON.stringify([
          {
            id: 'c',
            name: 'Prod',
            type: 'postgres',
            host: 'h',
            password: 'imported-secret-pw',
            createdAt: '2024-01-01T00:00:00.000Z',
          },
        ]),
      );
    }, LEGACY_KEYS);

    const status = (await call(page, 'open')) as {
      legacyImport: { imported: { total: number }; skipped: unknown[] };
    };

    expect(status.legacyImport.imported.total).toBe(4);
    expect(status.legacyImport.skipped).toHaveLength(1);
    expect(await call(page, 'getHistory')).toMatchObject([{ id: 'old2' }, { id: 'old1' }]);
    expect(await call(page, 'getConnections')).toMatchObject([
      { id: 'c', password: 'imported-secret-pw' },
    ]);
    const keys = await page.evaluate(() => Object.keys(localStorage));
    expect(keys).toContain(LEGACY_BACKUP_KEY);
    expect(keys).not.toContain(LEGACY_KEYS.history);
  });

  it('keeps passwords and their hashes out of PGlite, IndexedDB and OPFS', {
    timeout: 180_000,
  }, async () => {
    const page = await openPage();
    const connectionPassword = 'Conn-Pa55word-4f9c2e';
    const profilePassword = 'Profile-Pa55word-7d1a0b';
    await call(page, 'saveConnection', {
      id: 'c1',
      name: 'Prod',
      type: 'postgres',
      host: 'db.internal',
      password: connectionPassword,
      connectionString: `postgres://app:${connectionPassword}@db.internal/shop`,
      createdAt: new Date().toISOString(),
    });
    await call(page, 'setProfilePassword', 'local-admin', profilePassword);
    await call(page, 'addToHistory', item('h', 1));
    await call(page, 'flush');
    const hash = await page.evaluate(() => storagePage.profilePasswordHash('local-admin'));
    expect(hash).toMatch(/^pbkdf2-sha256\$/);

    const tables = (await call(page, 'getConnections')) as unknown[];
    expect(JSON.stringify(tables)).toContain(connectionPassword); // the API gives it back…
    await page.evaluate(() => storagePage.close());
    const idb = await page.evaluate(() => storagePage.dumpIndexedDb());
    const opfs = await page.evaluate(() => storagePage.dumpOpfs());
    const local = await page.evaluate(() => storagePage.localStorageText());

    // …but it is stored nowhere in clear, and neither is the hash.
    expect(idb.length + opfs.text.length).toBeGreaterThan(0);
    expect(idb.includes('db.internal') || opfs.text.includes('db.internal')).toBe(true);
    for (const secret of [connectionPassword, profilePassword, hash as string]) {
      expect(idb).not.toContain(secret);
      expect(opfs.text).not.toContain(secret);
      expect(local).not.toContain(secret);
    }
  });

  it('without IndexedDB or OPFS, falls back to memory and says so', async () => {
    const page = await openPage('?no-storage');

    const status = (await call(page, 'open')) as {
      location: { kind: string; durability: string };
      warnings: { code: string; message: string }[];
    };
    await call(page, 'addToHistory', item('mem', 1));

    expect(status.location).toMatchObject({ kind: 'memory', durability: 'volatile' });
    expect(status.warnings).toMatchObject([{ code: 'memory-fallback' }]);
    expect(status.warnings[0]?.message).toMatch(/lost when this tab closes/);
    expect(await call(page, 'getHistory')).toMatchObject([{ id: 'mem' }]);
  });

  it('when IndexedDB refuses the vault its key: passwords live in memory, it says so, and the old data stays put', {
    timeout: 180_000,
  }, async () => {
    const page = await openPage('?broken-idb');
    const legacyHistory = JSON.stringify([
      {
        id: 'old',
        connectionId: 'c',
        query: 'select 1',
        executionTime: 1,
        status: 'success',
        executedAt: '2024-01-01T00:00:00.000Z',
      },
    ]);
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [
      LEGACY_KEYS.history,
      legacyHistory,
    ] as const);

    const status = (await call(page, 'open')) as {
      location: { kind: string };
      warnings: { code: string; message: string }[];
      legacyImport: unknown;
    };
    await call(page, 'saveConnection', {
      id: 'c1',
      name: 'Prod',
      type: 'postgres',
      host: 'db.internal',
      password: 'in-memory-only-secret',
      createdAt: new Date().toISOString(),
    });

    expect(status.location.kind).toBe('opfs');
    expect(status.warnings.map((warning) => warning.code)).toEqual([
      'vault-memory-fallback',
      'legacy-import-deferred',
    ]);
    expect(status.legacyImport).toBeNull();
    expect(await call(page, 'getConnections')).toMatchObject([
      { id: 'c1', password: 'in-memory-only-secret' },
    ]);
    expect(await call(page, 'getHistory')).toEqual([]);
    const local = await page.evaluate(() => storagePage.localStorageText());
    expect(local).toContain(`${LEGACY_KEYS.history}=${legacyHistory}`);
    expect(local).not.toContain('platform_vault_v1');
    expect(local).not.toContain('in-memory-only-secret');
  });

  it('without IndexedDB or OPFS and no fallback, fails with a typed error', async () => {
    const page = await openPage('?no-storage&strict');

    const failure = await page.evaluate(() => storagePage.attempt('open'));

    expect(failure).toEqual({
      name: 'StorageUnavailableError',
      code: 'STORAGE_UNAVAILABLE',
      reason: 'indexeddb-unavailable',
    });
  });
});
