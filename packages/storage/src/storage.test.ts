import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from './changes.ts';
import { PermissionError } from './errors.ts';
import { LEGACY_KEYS, LEGACY_REPORT_KEY } from './legacy/import.ts';
import type { DatabaseConnection, QueryHistoryItem, SavedQuery } from './legacy/types.ts';
import { testStorage, useTestStorage } from './test-support/shared-database.ts';
import { MemoryCryptoKeyStore, MemoryKeyValueStore } from './vault/index.ts';

const ctx = useTestStorage();

const historyItem = (n: number, overrides: Partial<QueryHistoryItem> = {}): QueryHistoryItem => ({
  id: `h${n}`,
  connectionId: 'demo',
  connectionName: 'Demo',
  tabName: 'Query 1',
  query: `select ${n}`,
  executionTime: 1.25,
  status: 'success',
  executedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
  rowCount: 1,
  ...overrides,
});

describe('the legacy storage API, made async', () => {
  it('returns [] for every list on empty storage', async () => {
    expect(await ctx.storage.getConnections()).toEqual([]);
    expect(await ctx.storage.getHistory()).toEqual([]);
    expect(await ctx.storage.getSavedQueries()).toEqual([]);
  });

  it('works at once on first use, as the default local admin', async () => {
    const me = await ctx.storage.currentUser();

    expect(me).toMatchObject({ id: 'local-admin', username: 'admin', role: 'admin' });
  });

  describe('history', () => {
    it('gives back what was added, newest first, with Dates', async () => {
      await ctx.storage.addToHistory(historyItem(1));
      await ctx.storage.addToHistory(
        historyItem(3, { status: 'error', errorMessage: 'boom', rowCount: undefined }),
      );
      await ctx.storage.addToHistory(historyItem(2));

      const history = await ctx.storage.getHistory();

      expect(history.map((h) => h.id)).toEqual(['h3', 'h2', 'h1']);
      expect(history[0]).toEqual(
        historyItem(3, { status: 'error', errorMessage: 'boom', rowCount: undefined }),
      );
      expect(history[0]?.executedAt).toBeInstanceOf(Date);
      expect(history[0]).not.toHaveProperty('rowCount');
    });

    it('puts the later of two entries executed at the same instant first', async () => {
      const at = new Date('2026-02-02T10:00:00.000Z');
      for (const n of [1, 2, 3]) await ctx.storage.addToHistory(historyItem(n, { executedAt: at }));

      expect((await ctx.storage.getHistory()).map((h) => h.id)).toEqual(['h3', 'h2', 'h1']);
    });

    it('returns at most the retention window, 500 by default, like the legacy list', async () => {
      const base = Date.UTC(2026, 0, 1);
      for (let n = 0; n < 520; n++) {
        await ctx.storage.addToHistory(historyItem(n, { executedAt: new Date(base + n * 1000) }));
      }

      const history = await ctx.storage.getHistory();

      expect(history).toHaveLength(500);
      expect(history[0]?.id).toBe('h519');
      expect(history.at(-1)?.id).toBe('h20');
    });

    it('clears only the current user history', async () => {
      await ctx.storage.addToHistory(historyItem(1));
      await ctx.storage.clearHistory();

      expect(await ctx.storage.getHistory()).toEqual([]);
    });
  });

  describe('saved queries', () => {
    const saved = (overrides: Partial<SavedQuery> = {}): SavedQuery => ({
      id: 's1',
      name: 'Active users',
      query: 'select * from users where active',
      description: 'for the weekly report',
      connectionType: 'postgres',
      createdAt: new Date('2020-01-01T00:00:00Z'),
      updatedAt: new Date('2020-01-01T00:00:00Z'),
      tags: ['report', 'users'],
      ...overrides,
    });

    it('inserts a new id with createdAt = updatedAt = now', async () => {
      const before = Date.now();
      await ctx.storage.saveQuery(saved());

      const [q] = await ctx.storage.getSavedQueries();

      expect(q).toMatchObject({ id: 's1', name: 'Active users', tags: ['report', 'users'] });
      expect(q?.createdAt.getTime()).toBeGreaterThanOrEqual(before - 5);
      expect(q?.createdAt.getTime()).toBe(q?.updatedAt.getTime());
    });

    it('replaces an existing id in place, with the createdAt the caller gives and updatedAt = now', async () => {
      await ctx.storage.saveQuery(saved());
      const [first] = await ctx.storage.getSavedQueries();
      if (!first) throw new Error('not saved');
      await new Promise((resolve) => setTimeout(resolve, 5));

      // The studio edits what it read: its createdAt comes back with it.
      await ctx.storage.saveQuery({ ...first, name: 'Active users (v2)', tags: ['report'] });

      const all = await ctx.storage.getSavedQueries();
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ name: 'Active users (v2)', tags: ['report'] });
      expect(all[0]?.createdAt).toEqual(first.createdAt);
      expect(all[0]?.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());

      // Whatever createdAt it gives is kept as given, as the studio's list kept it.
      await ctx.storage.saveQuery({ ...first, createdAt: new Date('2020-01-01T00:00:00Z') });
      expect((await ctx.storage.getSavedQueries())[0]?.createdAt).toEqual(
        new Date('2020-01-01T00:00:00Z'),
      );
    });

    it('deletes by id, and an unknown id is not an error', async () => {
      await ctx.storage.saveQuery(saved());

      await ctx.storage.deleteSavedQuery('s1');
      await ctx.storage.deleteSavedQuery('never-existed');

      expect(await ctx.storage.getSavedQueries()).toEqual([]);
    });
  });

  describe('connections', () => {
    const connection = (overrides: Partial<DatabaseConnection> = {}): DatabaseConnection => ({
      id: 'c1',
      name: 'Production',
      type: 'postgres',
      host: 'db.example.com',
      port: 5432,
      user: 'app',
      password: 'hunter2-secret',
      database: 'shop',
      createdAt: new Date('2024-05-01T12:00:00Z'),
      ...overrides,
    });

    it('gives back what was saved, password included, from the vault', async () => {
      await ctx.storage.saveConnection(connection());
      await ctx.storage.saveConnection(
        connection({
          id: 'c2',
          password: undefined,
          connectionString: 'postgres://app:p%40ss%2Fword@db.example.com:5432/shop?sslmode=require',
        }),
      );

      const all = await ctx.storage.getConnections();

      // toEqual treats an absent field and an undefined one alike, as the legacy callers did.
      expect(all).toEqual([
        connection(),
        connection({
          id: 'c2',
          password: undefined,
          connectionString: 'postgres://app:p%40ss%2Fword@db.example.com:5432/shop?sslmode=require',
        }),
      ]);
    });

    it('never writes a password to PGlite', async () => {
      await ctx.storage.saveConnection(
        connection({ connectionString: 'postgres://app:inline-secret@h/db' }),
      );

      const dump = await ctx.database.pg.query<{ row: string }>(
        'select row_to_json(c)::text as row from connections c',
      );
      const text = dump.rows.map((r) => r.row).join('\n');
      expect(text).toContain('db.example.com');
      expect(text).not.toContain('hunter2-secret');
      expect(text).not.toContain('inline-secret');
    });

    it('replaces a connection with the same id and deletes by id', async () => {
      await ctx.storage.saveConnection(connection());
      await ctx.storage.saveConnection(connection({ name: 'Prod (replica)', password: 'rotated' }));

      expect(await ctx.storage.getConnections()).toMatchObject([
        { id: 'c1', name: 'Prod (replica)', password: 'rotated' },
      ]);

      await ctx.storage.deleteConnection('c1');
      await ctx.storage.deleteConnection('unknown');
      expect(await ctx.storage.getConnections()).toEqual([]);
    });
  });

  describe('when the vault key is lost', () => {
    it('saving a connection again with its password repairs it', async () => {
      const localStorage = new MemoryKeyValueStore();
      const before = testStorage(ctx.database, { localStorage }).storage;
      await before.saveConnection({
        id: 'c1',
        name: 'Prod',
        type: 'postgres',
        password: 'old',
        createdAt: new Date(),
      });
      await before.close();
      // Same localStorage, empty key store: as if IndexedDB had been cleared.
      const after = testStorage(ctx.database, { localStorage }).storage;

      await expect(after.getConnections()).rejects.toMatchObject({ reason: 'VAULT_KEY_LOST' });
      await after.saveConnection({
        id: 'c1',
        name: 'Prod',
        type: 'postgres',
        password: 'new',
        createdAt: new Date(),
      });

      expect(await after.getConnections()).toMatchObject([{ id: 'c1', password: 'new' }]);
      await after.close();
    });
  });
});

describe('storage space', () => {
  it("estimate() says where the data lives and what the database's files take; Node has no browser quota to give", async () => {
    const estimate = await ctx.storage.estimate();
    expect(estimate).toEqual({
      location: {
        kind: 'memory',
        dataDir: 'memory://',
        durability: 'volatile',
        flushWindowMs: null,
      },
      usage: null,
      quota: null,
      persisted: null,
      database: { bytes: expect.any(Number), walBytes: 16 * 1024 * 1024 },
    });
    // The tables, indexes and catalogs of one database plus its log: megabytes, not hundreds.
    const { bytes = 0 } = estimate.database ?? {};
    expect(bytes).toBeGreaterThan(16 * 1024 * 1024);
    expect(bytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('requestPersistence() answers false where no browser can be asked', async () => {
    expect(await ctx.storage.requestPersistence()).toBe(false);
  });
});

describe('vault health', () => {
  const prod = {
    id: 'c1',
    name: 'Prod',
    type: 'postgres' as const,
    password: 'hunter2-secret',
    createdAt: new Date(),
  };

  it('after the key store is cleared: key-lost, passwords unusable, a viewer may reset, and they are gone', async () => {
    const localStorage = new MemoryKeyValueStore();
    const keys = new MemoryCryptoKeyStore();
    const before = testStorage(ctx.database, { localStorage, cryptoKeys: keys }).storage;
    const ada = await before.users.create({ username: 'ada', role: 'user' });
    const vic = await before.users.create({ username: 'vic', role: 'viewer' });
    await before.setProfilePassword(ada.id, 'correct horse');
    await before.saveConnection(prod);
    await before.switchUser(vic.id);
    expect(await before.vaultStatus()).toBe('ok');
    await before.close();

    // IndexedDB (the key store) cleared, localStorage (the sealed entries) kept.
    await keys.clear();
    const after = testStorage(ctx.database, { localStorage, cryptoKeys: keys }).storage;
    try {
      expect((await after.currentUser()).id).toBe(vic.id);
      expect(await after.vaultStatus()).toBe('key-lost');
      await expect(after.switchUser(ada.id, 'correct horse')).rejects.toMatchObject({
        name: 'VaultError',
        reason: 'VAULT_KEY_LOST',
      });

      await after.resetVault();

      expect(await after.vaultStatus()).toBe('ok');
      expect(await after.hasProfilePassword(ada.id)).toBe(false);
      expect((await after.switchUser(ada.id)).id).toBe(ada.id);
      await after.switchUser('local-admin');
      const prod = await after.connections.get('c1');
      expect(prod).toMatchObject({ name: 'Prod' });
      expect(prod).not.toHaveProperty('password');
    } finally {
      await after.close();
    }
  });

  it('a vault that opens is reset only by an admin, and every password goes with it', async () => {
    const vic = await ctx.storage.users.create({ username: 'vic', role: 'viewer' });
    await ctx.storage.saveConnection(prod);
    await ctx.storage.setProfilePassword(vic.id, 'pw');
    await ctx.storage.switchUser(vic.id, 'pw');

    await expect(ctx.storage.resetVault()).rejects.toBeInstanceOf(PermissionError);
    expect(await ctx.storage.hasProfilePassword(vic.id)).toBe(true);

    await ctx.storage.switchUser('local-admin');
    const events: ChangeEvent[] = [];
    ctx.storage.subscribe((event) => events.push(event));
    await ctx.storage.resetVault();

    expect(await ctx.storage.hasProfilePassword(vic.id)).toBe(false);
    expect(await ctx.storage.connections.get('c1')).not.toHaveProperty('password');
    expect(events.map((e) => e.table).sort()).toEqual(['connections', 'platform_users']);
  });
});

describe('legacyImportReport()', () => {
  const legacyHistory = JSON.stringify([
    {
      id: 'old-h1',
      connectionId: 'c1',
      query: 'select 1',
      executionTime: 1,
      status: 'success',
      executedAt: '2025-01-01T00:00:00.000Z',
    },
  ]);

  it('is null when there was never anything to import', async () => {
    expect(await ctx.storage.legacyImportReport()).toBeNull();
  });

  it('gives the last import’s report, also in a later open that imported nothing', async () => {
    const localStorage = new MemoryKeyValueStore();
    localStorage.setItem(LEGACY_KEYS.history, legacyHistory);
    const first = testStorage(ctx.database, { localStorage }).storage;
    const report = await first.legacyImportReport();
    await first.close();

    const later = testStorage(ctx.database, { localStorage }).storage;
    try {
      expect(report).toMatchObject({
        imported: { history: 1, total: 1 },
        legacyKeysRemoved: true,
      });
      expect(await later.legacyImportReport()).toEqual(report);
    } finally {
      await later.close();
    }
  });

  it('is null when the stored report cannot be read, and opening works all the same', async () => {
    for (const damaged of ['{broken', '{"userId": 42}', 'null']) {
      const localStorage = new MemoryKeyValueStore();
      localStorage.setItem(LEGACY_REPORT_KEY, damaged);
      const storage = testStorage(ctx.database, { localStorage }).storage;
      try {
        expect((await storage.open()).legacyImport).toBeNull();
        expect(await storage.legacyImportReport()).toBeNull();
      } finally {
        await storage.close();
      }
    }
  });
});
