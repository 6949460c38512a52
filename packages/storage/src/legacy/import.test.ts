import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../client/types.ts';
import type { PlatformStorage } from '../storage.ts';
import { emptyDatabase, openTestDatabase, testStorage } from '../test-support/shared-database.ts';
import { MemoryKeyValueStore } from '../vault/index.ts';
import { LEGACY_BACKUP_KEY, LEGACY_KEYS } from './import.ts';

let database: DatabaseHandle;
const opened: PlatformStorage[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await emptyDatabase(database);
});
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close();
});

function open(localStorage: MemoryKeyValueStore) {
  const { storage } = testStorage(database, { localStorage });
  opened.push(storage);
  return storage;
}

/** What the legacy studio wrote: JSON.stringify of its arrays, Dates as ISO strings. */
function legacyData() {
  const kv = new MemoryKeyValueStore();
  kv.setItem(
    LEGACY_KEYS.history,
    JSON.stringify([
      {
        id: 'h3',
        connectionId: 'c1',
        query: 'select 3',
        executionTime: 3.5,
        status: 'success',
        executedAt: '2025-01-01T00:00:03.000Z',
        rowCount: 3,
      },
      {
        id: 'h2',
        connectionId: 'c1',
        query: 'select 2',
        executionTime: 2,
        status: 'error',
        executedAt: '2025-01-01T00:00:02.000Z',
        errorMessage: 'relation "x" does not exist',
      },
      {
        id: 'h1',
        connectionId: 'c1',
        query: 'select 1',
        executionTime: 1,
        status: 'success',
        executedAt: '2025-01-01T00:00:02.000Z',
      },
    ]),
  );
  kv.setItem(
    LEGACY_KEYS.savedQueries,
    JSON.stringify([
      {
        id: 's1',
        name: 'Revenue',
        query: 'select sum(x) from y',
        description: 'd',
        connectionType: 'postgres',
        createdAt: '2024-03-01T10:00:00.000Z',
        updatedAt: '2024-03-02T10:00:00.000Z',
        tags: ['finance'],
      },
    ]),
  );
  kv.setItem(
    LEGACY_KEYS.connections,
    JSON.stringify([
      {
        id: 'c1',
        name: 'Prod',
        type: 'postgres',
        host: 'db',
        port: 5432,
        user: 'app',
        password: 'legacy-plain-pw',
        database: 'shop',
        createdAt: '2024-01-01T00:00:00.000Z',
      },
      {
        id: 'c2',
        name: 'Url',
        type: 'postgres',
        connectionString: 'postgresql://u:url-secret@h:5432/d',
        createdAt: '2024-01-02T00:00:00.000Z',
      },
      {
        id: 'demo',
        name: 'Demo',
        type: 'demo',
        isDemo: true,
        createdAt: '2024-01-03T00:00:00.000Z',
      },
    ]),
  );
  return kv;
}

describe('importing the legacy localStorage data on first open', () => {
  it('imports everything into the current user, with identical legacy views', async () => {
    const kv = legacyData();
    const originalHistory = JSON.parse(kv.getItem(LEGACY_KEYS.history) ?? '[]');
    const storage = open(kv);

    const status = await storage.open();

    expect(status.legacyImport).toMatchObject({
      userId: 'local-admin',
      imported: { history: 3, savedQueries: 1, connections: 3, total: 7 },
      skipped: [],
      legacyKeysRemoved: true,
    });
    const history = await storage.getHistory();
    expect(JSON.parse(JSON.stringify(history))).toEqual(originalHistory);
    expect(await storage.getSavedQueries()).toEqual([
      {
        id: 's1',
        name: 'Revenue',
        query: 'select sum(x) from y',
        description: 'd',
        connectionType: 'postgres',
        tags: ['finance'],
        createdAt: new Date('2024-03-01T10:00:00.000Z'),
        updatedAt: new Date('2024-03-02T10:00:00.000Z'),
      },
    ]);
    expect(await storage.getConnections()).toMatchObject([
      { id: 'c1', password: 'legacy-plain-pw' },
      { id: 'c2', connectionString: 'postgresql://u:url-secret@h:5432/d' },
      { id: 'demo', isDemo: true },
    ]);
  });

  it('puts connection passwords in the vault, never in PGlite', async () => {
    const storage = open(legacyData());
    await storage.open();

    const { rows } = await database.pg.query<{ t: string }>(
      'select row_to_json(c)::text as t from connections c',
    );
    const text = rows.map((r) => r.t).join();
    expect(text).not.toContain('legacy-plain-pw');
    expect(text).not.toContain('url-secret');
  });

  it('removes the legacy keys only after verifying, keeping a backup of their raw text', async () => {
    const kv = legacyData();
    const raw = kv.getItem(LEGACY_KEYS.history);
    const storage = open(kv);
    await storage.open();

    for (const key of Object.values(LEGACY_KEYS)) expect(kv.getItem(key)).toBeNull();
    const backup = JSON.parse(kv.getItem(LEGACY_BACKUP_KEY) ?? '{}');
    expect(backup[LEGACY_KEYS.history]).toBe(raw);
  });

  it('imports nothing new on a second run, even when the keys come back', async () => {
    const first = open(legacyData());
    await first.open();
    await first.close();

    const again = open(legacyData());
    const status = await again.open();

    expect(status.legacyImport).toMatchObject({ imported: { total: 0 }, alreadyPresent: 7 });
    expect(await again.getHistory()).toHaveLength(3);
  });

  it('skips damaged items one by one, reporting why, and imports the rest', async () => {
    const kv = new MemoryKeyValueStore();
    kv.setItem(LEGACY_KEYS.connections, '{not json');
    kv.setItem(
      LEGACY_KEYS.history,
      JSON.stringify([
        {
          id: 'ok1',
          connectionId: 'c',
          query: 'select 1',
          executionTime: 1,
          status: 'success',
          executedAt: '2025-01-01T00:00:00Z',
        },
        {
          id: 'bad-date',
          connectionId: 'c',
          query: 'select 1',
          executionTime: 1,
          status: 'success',
          executedAt: 'yesterday-ish',
        },
        {
          id: 'no-query',
          connectionId: 'c',
          executionTime: 1,
          status: 'success',
          executedAt: '2025-01-01T00:00:00Z',
        },
        {
          id: 'ok1',
          connectionId: 'c',
          query: 'dup',
          executionTime: 1,
          status: 'success',
          executedAt: '2025-01-01T00:00:00Z',
        },
        null,
      ]),
    );
    kv.setItem(LEGACY_KEYS.savedQueries, JSON.stringify({ not: 'an array' }));
    const storage = open(kv);

    const { legacyImport } = await storage.open();

    expect(legacyImport?.imported.total).toBe(1);
    expect(legacyImport?.skipped).toEqual([
      {
        key: LEGACY_KEYS.history,
        index: 1,
        id: 'bad-date',
        reason: expect.stringContaining('executedAt'),
      },
      {
        key: LEGACY_KEYS.history,
        index: 2,
        id: 'no-query',
        reason: expect.stringContaining('query'),
      },
      {
        key: LEGACY_KEYS.history,
        index: 3,
        id: 'ok1',
        reason: expect.stringContaining('duplicate'),
      },
      { key: LEGACY_KEYS.history, index: 4, id: null, reason: expect.any(String) },
      { key: LEGACY_KEYS.savedQueries, index: null, id: null, reason: 'not a JSON array' },
      {
        key: LEGACY_KEYS.connections,
        index: null,
        id: null,
        reason: expect.stringContaining('invalid JSON'),
      },
    ]);
    expect((await storage.getHistory()).map((h) => h.id)).toEqual(['ok1']);
  });

  it('returns no report when there was nothing to import', async () => {
    const storage = open(new MemoryKeyValueStore());

    expect((await storage.open()).legacyImport).toBeNull();
  });
});
