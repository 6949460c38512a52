import {
  bothGenerations,
  damagedLegacyEntries,
  type LegacyGeneration,
  legacyLocalStorage,
  secretSearchForms,
  studioDefaultMaskingConfig,
} from '@platform/testing/legacy-studio';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../client/types.ts';
import { PermissionError } from '../errors.ts';
import type { PlatformStorage } from '../storage.ts';
import { emptyDatabase, openTestDatabase, testStorage } from '../test-support/shared-database.ts';
import { MemoryCryptoKeyStore, MemoryKeyValueStore } from '../vault/index.ts';
import {
  hasLegacyData,
  type ImportReport,
  LEGACY_BACKUP_KEY,
  LEGACY_CLEARTEXT_BACKUP_KEY,
  LEGACY_KEYS,
  LEGACY_REPORT_KEY,
  LIBREDB_KEYS,
} from './import.ts';

/**
 * The import of the old studio's localStorage, fed with what the real studio leaves in a
 * browser (`@platform/testing/legacy-studio` replays its code), and judged by what the studio's
 * own reader gave back from that localStorage: `JSON.parse` of each key, its date fields revived
 * (libredb-studio `storage-facade.ts` @ HEAD).
 */

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

/** One browser: its localStorage and its vault's key store, for opening it more than once. */
interface Browser {
  localStorage: MemoryKeyValueStore;
  keys: MemoryCryptoKeyStore;
}

function browserWith(entries: Record<string, string>): Browser {
  const localStorage = new MemoryKeyValueStore();
  for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
  return { localStorage, keys: new MemoryCryptoKeyStore() };
}

function open(browser: Browser): PlatformStorage {
  const { storage } = testStorage(database, {
    localStorage: browser.localStorage,
    cryptoKeys: browser.keys,
  });
  opened.push(storage);
  return storage;
}

async function importInto(
  browser: Browser,
): Promise<{ storage: PlatformStorage; report: ImportReport }> {
  const storage = open(browser);
  const { legacyImport } = await storage.open();
  expect(legacyImport).not.toBeNull();
  return { storage, report: legacyImport as ImportReport };
}

type Json = Record<string, unknown>;

/** What the studio's reader gave for a JSON key: the parsed array, date fields revived. */
function studioReads(raw: string | undefined, ...dateFields: string[]): Json[] {
  const parsed = raw === undefined ? null : (JSON.parse(raw) as Json[] | null);
  return (parsed ?? []).map((item) => {
    const revived = { ...item };
    for (const field of dateFields) {
      if (revived[field]) revived[field] = new Date(revived[field] as string);
    }
    return revived;
  });
}

/** The studio's `getMaskingConfig`: stored config merged with its built-in patterns. */
function studioMaskingConfig(raw: string | undefined): unknown {
  const defaults = studioDefaultMaskingConfig();
  if (raw === undefined) return defaults;
  const data = JSON.parse(raw) as ReturnType<typeof studioDefaultMaskingConfig>;
  const builtinIds = new Set(defaults.patterns.filter((p) => p.isBuiltin).map((p) => p.id));
  const storedIds = new Set(data.patterns.map((p) => p.id));
  for (const pattern of defaults.patterns) {
    if (pattern.isBuiltin && !storedIds.has(pattern.id)) data.patterns.push(pattern);
  }
  if (!data.roleSettings) data.roleSettings = defaults.roleSettings;
  data.patterns = data.patterns.filter(
    (p) => !p.isBuiltin || builtinIds.has(p.id) || !p.id.startsWith('builtin-'),
  );
  return data;
}

const connectionsKey = (g: LegacyGeneration) => (g === 'orchids' ? LEGACY_KEYS : LIBREDB_KEYS);

/** The studio's history as the import orders it: newest first, ties in array order. */
function mergedHistory(...raws: (string | undefined)[]): Json[] {
  return raws
    .flatMap((raw) => studioReads(raw, 'executedAt'))
    .sort((a, b) => (b.executedAt as Date).getTime() - (a.executedAt as Date).getTime());
}

/** `getHistory()` with every entry kept under a derived id given its own id back. */
async function historyAsWritten(storage: PlatformStorage, report: ImportReport) {
  const original = new Map(report.renamed.map((r) => [r.storedAs, r.id]));
  return (await storage.getHistory()).map((h) => ({ ...h, id: original.get(h.id) ?? h.id }));
}

/** Every row of every table as JSON text: where no secret may be. */
async function everythingStored(): Promise<string> {
  const { rows } = await database.pg.query<{ name: string }>(
    `select table_schema || '.' || table_name as name from information_schema.tables
      where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE'`,
  );
  const out: string[] = [];
  for (const { name } of rows) {
    const [schema, table] = name.split('.');
    const dump = await database.pg.query<{ t: string | null }>(
      `select json_agg(t)::text as t from "${schema}"."${table}" t`,
    );
    out.push(`${name}: ${dump.rows[0]?.t ?? ''}`);
  }
  return out.join('\n');
}

function localStorageText(store: MemoryKeyValueStore): string {
  return store
    .keys()
    .map((key) => `${key}=${store.getItem(key)}`)
    .join('\n');
}

function expectNoSecretIn(text: string, secrets: readonly string[]): void {
  const found = secrets.flatMap(secretSearchForms).filter((form) => text.includes(form));
  expect(found).toEqual([]);
}

/** Every collection, through the facade, against what the studio read from `entries`. */
async function expectEveryCollection(
  storage: PlatformStorage,
  report: ImportReport,
  entries: Record<string, string>,
  connections: Json[],
  savedQueries: Json[],
  history: Json[],
): Promise<void> {
  expect(await storage.getConnections()).toEqual(connections);
  expect(await storage.getSavedQueries()).toEqual(savedQueries);
  expect(await historyAsWritten(storage, report)).toEqual(history);
  expect(await storage.getSchemaSnapshots()).toEqual(
    studioReads(entries.libredb_schema_snapshots, 'createdAt'),
  );
  expect(await storage.getSavedCharts()).toEqual(
    studioReads(entries.libredb_saved_charts, 'createdAt'),
  );
  expect(await storage.getAuditLog()).toEqual(studioReads(entries.libredb_audit_log));
  expect(await storage.getMaskingConfig()).toEqual(
    studioMaskingConfig(entries.libredb_masking_config),
  );
  expect(await storage.getThresholdConfig()).toEqual(
    JSON.parse(entries.libredb_threshold_config as string),
  );
  expect(await storage.getActiveConnectionId()).toBe(entries.libredb_active_connection_id);
  expect(await storage.getDismissedSeeds()).toEqual(
    JSON.parse(entries.libredb_dismissed_seeds ?? '[]'),
  );
  const tabs = Object.keys(entries).filter((k) => k.startsWith('libredb_workspace_tabs_v1:'));
  for (const key of tabs) {
    const id = key.slice('libredb_workspace_tabs_v1:'.length);
    expect(await storage.getWorkspaceTabs(id === 'default' ? null : id)).toEqual(
      JSON.parse(entries[key] as string),
    );
  }
  const preferences = await storage.preferences.get();
  expect(preferences.theme).toBe(entries['libredb-theme']);
  const lineNumbers = entries['editor-line-numbers'];
  expect(preferences.editorLineNumbers).toBe(
    lineNumbers === undefined ? undefined : lineNumbers === 'true',
  );
}

describe('one generation alone', () => {
  for (const generation of ['orchids', 'libredb'] as const) {
    it(`${generation}: every collection arrives as the studio read it, secrets back byte for byte`, async () => {
      const browser = legacyLocalStorage({
        generation,
        seed: `${generation}-alone`,
        auditEvents: 40,
        include: { lineNumbers: true },
      });
      const keys = connectionsKey(generation);
      const { storage, report } = await importInto(browserWith(browser.entries));

      expect(report.generations).toEqual([generation]);
      expect(report.skipped).toEqual([]);
      expect(report.replaced).toEqual([]);
      expect(report.legacyKeysRemoved).toBe(true);
      expect(report.imported).toMatchObject({
        connections: browser.counts.connections,
        history: browser.counts.history,
        savedQueries: browser.counts.savedQueries,
        schemaSnapshots: browser.counts.schemaSnapshots,
        savedCharts: browser.counts.savedCharts,
        auditEvents: browser.counts.auditEvents,
      });
      // The repeated ids of real history: every run kept, the later ones under derived ids.
      expect(report.renamed.length).toBeGreaterThanOrEqual(browser.counts.duplicateHistoryIds);
      await expectEveryCollection(
        storage,
        report,
        browser.entries,
        studioReads(browser.entries[keys.connections], 'createdAt'),
        studioReads(browser.entries[keys.savedQueries], 'createdAt', 'updatedAt'),
        mergedHistory(browser.entries[keys.history]),
      );
      expect(browser.secrets.length).toBeGreaterThan(5);
    });
  }
});

describe('both generations in one browser', () => {
  it('imports both; an id in both keeps the newer item, and the report lists the older', async () => {
    const browser = bothGenerations({ seed: 'both', libredb: { auditEvents: 25 } });
    const { entries, overlap } = browser;
    const { storage, report } = await importInto(browserWith(entries));

    expect(report.generations).toEqual(['libredb', 'orchids']);
    expect(report.skipped).toEqual([]);
    const newer = studioReads(entries[LIBREDB_KEYS.connections], 'createdAt');
    const older = studioReads(entries[LEGACY_KEYS.connections], 'createdAt');
    const newerSaved = studioReads(entries[LIBREDB_KEYS.savedQueries], 'createdAt', 'updatedAt');
    const olderSaved = studioReads(entries[LEGACY_KEYS.savedQueries], 'createdAt', 'updatedAt');
    const newerIds = new Set(newer.map((c) => c.id));
    const newerSavedIds = new Set(newerSaved.map((q) => q.id));
    expect(overlap.connectionIds.length).toBeGreaterThan(0);
    expect(overlap.savedQueryIds.length).toBeGreaterThan(0);

    // Replaced: each older item whose id the newer generation has, pointing at the one kept.
    expect(report.replaced).toEqual([
      ...overlap.connectionIds.map((id) => ({
        id,
        key: LEGACY_KEYS.connections,
        index: older.findIndex((c) => c.id === id),
        keptFrom: { key: LIBREDB_KEYS.connections, index: newer.findIndex((c) => c.id === id) },
      })),
      ...overlap.savedQueryIds.map((id) => ({
        id,
        key: LEGACY_KEYS.savedQueries,
        index: olderSaved.findIndex((q) => q.id === id),
        keptFrom: {
          key: LIBREDB_KEYS.savedQueries,
          index: newerSaved.findIndex((q) => q.id === id),
        },
      })),
    ]);
    expect(report.replacedByNewer).toBe(report.replaced.length);

    // The order: the newer list as it was, then what only the older one had.
    const connections = [...newer, ...older.filter((c) => !newerIds.has(c.id))];
    const savedQueries = [...newerSaved, ...olderSaved.filter((q) => !newerSavedIds.has(q.id))];
    const history = mergedHistory(entries[LIBREDB_KEYS.history], entries[LEGACY_KEYS.history]);
    expect(history).toHaveLength(1_000);
    await expectEveryCollection(storage, report, entries, connections, savedQueries, history);
    // The demo connection, in both with the same id: the newer one's createdAt and password.
    const demo = (await storage.getConnections()).find((c) => c.id === 'demo-postgres-neon');
    expect(demo).toEqual(newer.find((c) => c.id === 'demo-postgres-neon'));
  });

  it('history ids shared by the two generations are both kept: the newer run keeps the id', async () => {
    const browser = bothGenerations({ seed: 'shared-history' });
    const { report, storage } = await importInto(browserWith(browser.entries));
    const newer = studioReads(browser.entries[LIBREDB_KEYS.history], 'executedAt');
    const older = studioReads(browser.entries[LEGACY_KEYS.history], 'executedAt');

    expect(browser.overlap.historyIds.length).toBeGreaterThan(0);
    for (const id of browser.overlap.historyIds) {
      const stored = (await storage.getHistory()).filter(
        (h) => h.id === id || h.id.startsWith(`${id}~`),
      );
      const runs = [...newer, ...older].filter((h) => h.id === id);
      expect(stored).toHaveLength(runs.length);
      // The newest run of them keeps the plain id; the others are listed as renamed.
      const newest = runs.sort(
        (a, b) => (b.executedAt as Date).getTime() - (a.executedAt as Date).getTime(),
      )[0];
      expect(stored.find((h) => h.id === id)?.executedAt).toEqual(newest?.executedAt);
      expect(report.renamed.filter((r) => r.id === id)).toHaveLength(runs.length - 1);
    }
  });
});

describe('the order of what is imported', () => {
  it('lists go after what the profile has already, in their stored order', async () => {
    const browser = legacyLocalStorage({ generation: 'libredb', seed: 'order' });
    const first = open(browserWith({}));
    await first.saveConnection({
      id: 'mine',
      name: 'Mine',
      type: 'postgres',
      createdAt: new Date('2026-11-01T00:00:00.000Z'),
    });
    await first.saveChart({
      id: 'my-chart',
      name: 'Mine',
      chartType: 'bar',
      xAxis: 'x',
      yAxis: ['y'],
      createdAt: new Date(),
    });
    const { storage } = await importInto(browserWith(browser.entries));

    const ids = (await storage.getConnections()).map((c) => c.id);
    const stored = studioReads(browser.entries[LIBREDB_KEYS.connections]).map((c) => c.id);
    expect(ids).toEqual(['mine', ...stored]);
    const charts = (await storage.getSavedCharts()).map((c) => c.id);
    expect(charts).toEqual([
      'my-chart',
      ...studioReads(browser.entries.libredb_saved_charts).map((c) => c.id),
    ]);
    // Snapshots oldest first, as the studio kept them.
    const taken = (await storage.getSchemaSnapshots()).map((s) => s.createdAt.getTime());
    expect(taken).toEqual([...taken].sort((a, b) => a - b));
    expect(taken.length).toBe(browser.counts.schemaSnapshots);
  });
});

describe('damaged data', () => {
  for (const generation of ['orchids', 'libredb'] as const) {
    it(`${generation}: every damaged item is reported with key, index, id and reason; the rest comes over`, async () => {
      const damaged = damagedLegacyEntries({ generation, seed: `damaged-${generation}` });
      // Batches with one entry per key, so each report is about one damaged value per key.
      const batches: (typeof damaged)[] = [];
      for (const entry of damaged) {
        const batch = batches.find((b) => !b.some((e) => e.key === entry.key));
        if (batch) batch.push(entry);
        else batches.push([entry]);
      }
      for (const batch of batches) {
        await emptyDatabase(database);
        const browser = browserWith(Object.fromEntries(batch.map((e) => [e.key, e.value])));
        const { report } = await importInto(browser);

        for (const entry of batch) {
          const keyReport = report.keys.find((k) => k.key === entry.key);
          const reported = report.skipped.filter((s) => s.key === entry.key);
          if (entry.damagedIndexes === null) {
            expect(reported, entry.label).toEqual([
              { key: entry.key, index: null, id: null, reason: expect.any(String) },
            ]);
            expect(keyReport, entry.label).toMatchObject({ items: null, imported: 0, skipped: 1 });
            continue;
          }
          const items = JSON.parse(entry.value) as unknown[];
          expect(reported, entry.label).toEqual(
            entry.damagedIndexes.map((index) => {
              const id = (items[index] as { id?: unknown } | null)?.id;
              return {
                key: entry.key,
                index,
                id: typeof id === 'string' ? id : null,
                reason: expect.stringMatching(/\S/),
              };
            }),
          );
          expect(keyReport, entry.label).toMatchObject({
            items: items.length,
            imported: entry.intactItems,
            skipped: entry.damagedIndexes.length,
          });
        }
        // Damaged keys are in the sealed backup like the others, and gone from localStorage.
        expect(report.legacyKeysRemoved).toBe(true);
        for (const entry of batch) expect(browser.localStorage.getItem(entry.key)).toBeNull();
      }
    });
  }

  it('names the field and the damage, and never quotes the damaged text', async () => {
    const [cut] = damagedLegacyEntries({ generation: 'libredb' });
    const password = /"password":"((?:[^"\\]|\\.)*)"/.exec(cut?.value ?? '')?.[1];
    expect(password).toBeDefined();
    const history = JSON.parse(
      legacyLocalStorage({ generation: 'libredb', seed: 'fields', history: 3 }).entries
        .libredb_history as string,
    ) as Json[];
    const legacy = browserWith({
      [LIBREDB_KEYS.connections]: cut?.value as string,
      [LIBREDB_KEYS.history]: JSON.stringify([
        history[0],
        { ...history[1], executedAt: 'yesterday-ish' },
        { ...history[2], query: undefined, executedAt: 1767225600000 },
        'select 1',
      ]),
      [LIBREDB_KEYS.savedQueries]: '{"0": {"id": "q"}}',
      'libredb-theme': 'blue',
      'editor-line-numbers': 'yes',
    });
    const { report, storage } = await importInto(legacy);

    expect(report.skipped).toEqual([
      {
        key: LIBREDB_KEYS.connections,
        index: null,
        id: null,
        reason: expect.stringMatching(/^invalid JSON/),
      },
      {
        key: LIBREDB_KEYS.history,
        index: 1,
        id: history[1]?.id,
        reason: expect.stringContaining('executedAt'),
      },
      {
        key: LIBREDB_KEYS.history,
        index: 2,
        id: history[2]?.id,
        reason: expect.stringContaining('query'),
      },
      { key: LIBREDB_KEYS.history, index: 3, id: null, reason: 'not an object (it is a string)' },
      {
        key: LIBREDB_KEYS.savedQueries,
        index: null,
        id: null,
        reason: 'not a JSON array (it is an object)',
      },
      { key: 'libredb-theme', index: null, id: null, reason: expect.stringContaining('theme') },
      { key: 'editor-line-numbers', index: null, id: null, reason: 'not "true" or "false"' },
    ]);
    expect((await storage.getHistory()).map((h) => h.id)).toEqual([history[0]?.id]);
    // V8's JSON.parse message quotes the text around the error: the reason must not.
    expect(localStorageText(legacy.localStorage)).not.toContain(JSON.parse(`"${password}"`));
    expect(JSON.stringify(report)).not.toContain(JSON.parse(`"${password}"`));
  });
});

describe('a second run', () => {
  it('imports nothing new when the keys come back, and removes them again', async () => {
    const browser = bothGenerations({ seed: 'twice' });
    const legacy = browserWith(browser.entries);
    const { storage: first, report } = await importInto(legacy);
    const history = await first.getHistory();
    const restored = await first.restoreLegacyBackup();
    await first.close();

    expect(restored.restored).toEqual(
      Object.keys(browser.entries)
        .sort()
        .filter((k) => !k.startsWith('libredb_star_prompt')),
    );
    const { storage: again, report: second } = await importInto(legacy);

    expect(second.imported.total).toBe(0);
    expect(second.alreadyPresent).toBe(report.imported.total);
    expect(second.replaced).toEqual(report.replaced);
    expect(second.renamed).toEqual([]);
    expect(second.legacyKeysRemoved).toBe(true);
    expect(
      second.keys.map(({ key, imported, alreadyPresent }) => [key, imported, alreadyPresent]),
    ).toEqual(
      report.keys.map(({ key, imported, alreadyPresent }) => [key, 0, imported + alreadyPresent]),
    );
    expect(await again.getHistory()).toEqual(history);
  });

  it('with the old studio used in between: only what it added comes over', async () => {
    const browser = legacyLocalStorage({ generation: 'libredb', seed: 'in-between' });
    const legacy = browserWith(browser.entries);
    const { storage: first } = await importInto(legacy);
    await first.restoreLegacyBackup();
    await first.close();
    // The old studio runs one more query: it prepends it and drops the oldest.
    const history = JSON.parse(
      legacy.localStorage.getItem(LIBREDB_KEYS.history) as string,
    ) as Json[];
    const run = { ...history[0], id: 'newrun', executedAt: '2026-08-22T09:00:00.000Z' };
    legacy.localStorage.setItem(
      LIBREDB_KEYS.history,
      JSON.stringify([run, ...history.slice(0, 499)]),
    );

    const { report, storage } = await importInto(legacy);

    expect(report.imported).toMatchObject({ history: 1, total: 1 });
    expect((await storage.getHistory())[0]?.id).toBe('newrun');
    expect(await storage.history.count()).toBe(501);
  });
});

describe('text the codec must carry', () => {
  it('U+0000 and lone surrogates come over, and back out of the backup, exactly', async () => {
    const browser = legacyLocalStorage({ generation: 'libredb', seed: 'codec', history: 5 });
    const history = JSON.parse(browser.entries[LIBREDB_KEYS.history] as string) as Json[];
    const odd = 'select 1 -- \u0000 nul, \ud800 lone, \udfff lone, ✓';
    history[0] = { ...history[0], query: odd, tabName: '\u0000' };
    const raw = JSON.stringify(history);
    const legacy = browserWith({ ...browser.entries, [LIBREDB_KEYS.history]: raw });
    const { storage, report } = await importInto(legacy);

    expect(report.skipped).toEqual([]);
    const [newest] = await storage.getHistory();
    expect(newest?.query).toBe(odd);
    expect(newest?.tabName).toBe('\u0000');
    await storage.restoreLegacyBackup();
    expect(legacy.localStorage.getItem(LIBREDB_KEYS.history)).toBe(raw);
  });
});

describe('retention', () => {
  it('raises the window to fit two generations of history, says so, and prunes nothing', async () => {
    const browser = bothGenerations({ seed: 'retention' });
    const { storage, report } = await importInto(browserWith(browser.entries));

    expect(report.historyRetention).toEqual({ before: 500, after: 1_000 });
    expect(await storage.preferences.historyRetention()).toEqual({
      maxEntries: 1_000,
      maxAgeDays: null,
    });
    expect(await storage.history.prune()).toBe(0);
    expect(await storage.getHistory()).toHaveLength(1_000);
  });

  it('leaves a window that fits alone', async () => {
    const browser = legacyLocalStorage({ generation: 'orchids', seed: 'fits' });
    const { storage, report } = await importInto(browserWith(browser.entries));

    expect(report.historyRetention).toBeNull();
    expect(await storage.history.prune()).toBe(0);
    expect(await storage.getHistory()).toHaveLength(500);
  });

  it('an entry older than the profile’s age limit is skipped and reported, not imported to be pruned', async () => {
    const browser = legacyLocalStorage({ generation: 'libredb', seed: 'age' });
    const history = studioReads(browser.entries[LIBREDB_KEYS.history], 'executedAt');
    const middle = new Date(history[250]?.executedAt as Date).getTime();
    const maxAgeDays = Math.ceil((Date.now() - middle) / 86_400_000);
    expect(maxAgeDays).toBeGreaterThan(0);
    const setup = open(browserWith({}));
    await setup.preferences.setHistoryRetention({ maxEntries: 500, maxAgeDays });
    await setup.close();
    const cutoff = Date.now() - maxAgeDays * 86_400_000;

    const { storage, report } = await importInto(browserWith(browser.entries));

    const old = history.filter((h) => (h.executedAt as Date).getTime() < cutoff);
    expect(old.length).toBeGreaterThan(0);
    expect(report.skipped).toEqual(
      old.map((h) => ({
        key: LIBREDB_KEYS.history,
        index: history.indexOf(h),
        id: h.id,
        reason: `older than this profile's history age limit (${maxAgeDays} days)`,
      })),
    );
    expect(report.imported.history).toBe(history.length - old.length);
    expect(await storage.history.prune()).toBe(0);
  });
});

describe('the report, key by key', () => {
  it('counts every item of every key, and lists the keys it leaves in place', async () => {
    const browser = bothGenerations({
      seed: 'per-key',
      libredb: { include: { serverMigrationFlag: true } },
    });
    const legacy = browserWith({
      ...browser.entries,
      libredb_future_feature: '{"x":1}',
      orchids_db_something: '[]',
      'unrelated-key': 'kept',
    });
    const { report } = await importInto(legacy);

    const expectedKeys = Object.keys(browser.entries).filter(
      (k) => !k.startsWith('libredb_star_prompt') && k !== 'libredb_server_migrated',
    );
    expect(report.keys.map((k) => k.key).sort()).toEqual(expectedKeys.sort());
    for (const key of report.keys) {
      expect(key.imported + key.alreadyPresent + key.replacedByNewer + key.skipped, key.key).toBe(
        key.items,
      );
    }
    const of = (key: string) => report.keys.find((k) => k.key === key);
    expect(of(LEGACY_KEYS.history)).toMatchObject({ items: 500, generation: 'orchids' });
    expect(of(LIBREDB_KEYS.history)).toMatchObject({ items: 500, generation: 'libredb' });
    expect(of(LEGACY_KEYS.connections)).toMatchObject({
      items: browser.counts.orchids.connections,
      replacedByNewer: browser.overlap.connectionIds.length,
    });
    expect(of('libredb_saved_charts')).toMatchObject({
      generation: 'both',
      collection: 'savedCharts',
    });
    expect(report.leftInPlace).toEqual([
      'libredb_future_feature',
      'libredb_server_migrated',
      'libredb_star_prompt_handled',
      'libredb_star_prompt_query_count',
      'orchids_db_something',
    ]);
    for (const key of report.leftInPlace) expect(legacy.localStorage.getItem(key)).not.toBeNull();
    expect(legacy.localStorage.getItem('unrelated-key')).toBe('kept');
    for (const key of expectedKeys) expect(legacy.localStorage.getItem(key)).toBeNull();
    // Kept, and read back the same by a later open.
    expect(JSON.parse(legacy.localStorage.getItem(LEGACY_REPORT_KEY) as string)).toEqual(report);
    expect(await open(legacy).legacyImportReport()).toEqual(report);
  });

  it('a setting the profile has its own value for stays, and the report says so', async () => {
    const browser = legacyLocalStorage({ generation: 'libredb', seed: 'own-settings' });
    const setup = open(browserWith({}));
    await setup.preferences.patch({ theme: 'dark' });
    await setup.setActiveConnectionId('chosen-here');
    await setup.close();

    const { storage, report } = await importInto(browserWith(browser.entries));

    expect(report.skipped).toEqual([
      {
        key: 'libredb_active_connection_id',
        index: null,
        id: null,
        reason: 'this profile has its own value already (kept)',
      },
      {
        key: 'libredb-theme',
        index: null,
        id: null,
        reason: 'this profile has its own value already (kept)',
      },
    ]);
    expect((await storage.preferences.get()).theme).toBe('dark');
    expect(await storage.getActiveConnectionId()).toBe('chosen-here');
  });

  it('a connection whose id another profile uses is skipped, and that one left alone', async () => {
    const browser = legacyLocalStorage({ generation: 'orchids', seed: 'other-profile' });
    const first = studioReads(browser.entries[LEGACY_KEYS.connections])[0] as Json;
    const setup = open(browserWith({}));
    const bob = await setup.users.create({ username: 'bob' });
    await setup.switchUser(bob.id);
    await setup.saveConnection({
      id: first.id as string,
      name: 'Bob’s',
      type: 'mysql',
      createdAt: new Date(),
    });
    await setup.close();

    const { report } = await importInto(browserWith(browser.entries));

    expect(report.skipped).toEqual([
      {
        key: LEGACY_KEYS.connections,
        index: 0,
        id: first.id,
        reason: 'its id is used by another profile here',
      },
    ]);
    expect(report.imported.connections).toBe(browser.counts.connections - 1);
  });
});

describe('secrets', () => {
  it('after the import no secret is anywhere in clear: not in PGlite, not in localStorage', async () => {
    const browser = bothGenerations({ seed: 'no-clear-text' });
    const legacy = browserWith(browser.entries);
    const { storage } = await importInto(legacy);

    const tables = await everythingStored();
    const local = localStorageText(legacy.localStorage);
    // The dump does see the imported data (a host, in clear)…
    const host = studioReads(browser.entries[LIBREDB_KEYS.connections]).find(
      (c) => typeof c.host === 'string' && c.host.length > 5,
    )?.host as string;
    expect(tables).toContain(host);
    // …but none of the secrets.
    expectNoSecretIn(tables, browser.secrets);
    expectNoSecretIn(local, browser.secrets);
    // …and every one comes back from the API.
    const back = JSON.stringify(await storage.getConnections());
    const missing = browser.secrets.filter(
      (s) => !secretSearchForms(s).some((f) => back.includes(f)),
    );
    expect(missing).toEqual([]);
  });

  it('a failed import writes nothing, takes its secrets back out of the vault, and keeps the keys', async () => {
    const browser = legacyLocalStorage({ generation: 'libredb', seed: 'rollback' });
    const saved = studioReads(browser.entries[LIBREDB_KEYS.savedQueries]);
    await database.pg.exec(
      `alter table saved_queries add constraint import_test_refuses check (id <> '${saved.at(-1)?.id}')`,
    );
    try {
      const legacy = browserWith(browser.entries);
      const storage = open(legacy);
      const status = await storage.open();

      expect(status.legacyImport).toBeNull();
      expect(status.warnings.map((w) => w.code)).toEqual(['legacy-import-failed']);
      expect(await storage.getConnections()).toEqual([]);
      expect(await storage.history.count()).toBe(0);
      expect(legacy.localStorage.getItem('platform_vault_v1')).toBeNull();
      for (const [key, value] of Object.entries(browser.entries)) {
        expect(legacy.localStorage.getItem(key)).toBe(value);
      }
    } finally {
      await database.pg.exec('alter table saved_queries drop constraint import_test_refuses');
    }
  });
});

describe('the backup', () => {
  it('is sealed: the keys it holds, when, how big; no secret readable in it', async () => {
    const browser = legacyLocalStorage({ generation: 'orchids', seed: 'backup' });
    const legacy = browserWith(browser.entries);
    const { storage } = await importInto(legacy);

    const info = await storage.legacyBackup();
    const stored = legacy.localStorage.getItem(LEGACY_BACKUP_KEY) as string;
    expect(info).toEqual({
      savedAt: expect.any(String),
      keys: Object.keys(browser.entries).sort(),
      bytes: stored.length,
      originalBytes: expect.any(Number),
      sealed: true,
    });
    expect(Date.parse(info?.savedAt ?? '')).not.toBeNaN();
    // Compressed before sealing: smaller than the keys were.
    expect(info?.bytes).toBeLessThan(info?.originalBytes ?? 0);
    expectNoSecretIn(stored, browser.secrets);
    expect(stored).not.toContain('orchids_db_history":');
  });

  it('restores the original keys byte for byte, for the old studio, and keeps itself', async () => {
    const browser = bothGenerations({ seed: 'restore' });
    const legacy = browserWith(browser.entries);
    const { storage } = await importInto(legacy);
    legacy.localStorage.setItem(LIBREDB_KEYS.history, '[]'); // the old studio ran since

    const result = await storage.restoreLegacyBackup();

    expect(result.kept).toEqual([LIBREDB_KEYS.history]);
    expect(result.unchanged).toEqual([]);
    for (const key of result.restored) {
      expect(legacy.localStorage.getItem(key)).toBe(browser.entries[key]);
    }
    expect(result.restored.length).toBe(Object.keys(browser.entries).length - 3);
    expect(await storage.legacyBackup()).not.toBeNull();
  });

  it('is deleted on request, by an admin only', async () => {
    const browser = legacyLocalStorage({ generation: 'libredb', seed: 'delete' });
    const legacy = browserWith(browser.entries);
    const { storage } = await importInto(legacy);
    const vic = await storage.users.create({ username: 'vic', role: 'user' });
    await storage.switchUser(vic.id);

    await expect(storage.deleteLegacyBackup()).rejects.toBeInstanceOf(PermissionError);
    await expect(storage.restoreLegacyBackup()).rejects.toBeInstanceOf(PermissionError);
    expect(await storage.legacyBackup()).not.toBeNull();

    await storage.switchUser('local-admin');
    await storage.deleteLegacyBackup();
    expect(await storage.legacyBackup()).toBeNull();
    expect(legacy.localStorage.getItem(LEGACY_BACKUP_KEY)).toBeNull();
  });

  it('goes with a vault reset, since no new key could open it', async () => {
    const browser = legacyLocalStorage({ generation: 'libredb', seed: 'reset' });
    const legacy = browserWith(browser.entries);
    const { storage } = await importInto(legacy);

    await storage.resetVault();

    expect(await storage.legacyBackup()).toBeNull();
  });

  it('seals the clear-text backup an earlier version left, then removes it', async () => {
    const browser = legacyLocalStorage({ generation: 'orchids', seed: 'cleartext' });
    const old = {
      savedAt: '2026-11-20T10:00:00.000Z',
      [LEGACY_KEYS.connections]: browser.entries[LEGACY_KEYS.connections],
      [LEGACY_KEYS.history]: browser.entries[LEGACY_KEYS.history],
      [LEGACY_KEYS.savedQueries]: null,
    };
    const legacy = browserWith({ [LEGACY_CLEARTEXT_BACKUP_KEY]: JSON.stringify(old) });
    expect(hasLegacyData(legacy.localStorage)).toBe(true);
    const storage = open(legacy);
    await storage.open();

    expect(legacy.localStorage.getItem(LEGACY_CLEARTEXT_BACKUP_KEY)).toBeNull();
    expectNoSecretIn(localStorageText(legacy.localStorage), browser.secrets);
    expect(await storage.legacyBackup()).toMatchObject({
      keys: [LEGACY_KEYS.connections, LEGACY_KEYS.history],
      sealed: true,
    });
    const result = await storage.restoreLegacyBackup();
    expect(result.restored).toEqual([LEGACY_KEYS.connections, LEGACY_KEYS.history]);
    expect(legacy.localStorage.getItem(LEGACY_KEYS.connections)).toBe(
      browser.entries[LEGACY_KEYS.connections],
    );
  });

  it('when localStorage has no room for it, the keys stay (said why) and the next open finishes', async () => {
    const browser = legacyLocalStorage({ generation: 'libredb', seed: 'full' });
    const legacy = browserWith(browser.entries);
    let full = true;
    const setItem = legacy.localStorage.setItem.bind(legacy.localStorage);
    legacy.localStorage.setItem = (key: string, value: string) => {
      if (full && key === LEGACY_BACKUP_KEY) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      setItem(key, value);
    };
    const { report } = await importInto(legacy);

    expect(report.legacyKeysRemoved).toBe(false);
    expect(report.keysKeptBecause).toMatch(/backup could not be stored/);
    expect(report.imported.connections).toBe(browser.counts.connections);
    expect(legacy.localStorage.getItem(LIBREDB_KEYS.connections)).toBe(
      browser.entries[LIBREDB_KEYS.connections],
    );

    full = false;
    const { report: next } = await importInto(legacy);
    expect(next.imported.total).toBe(0);
    expect(next.legacyKeysRemoved).toBe(true);
    expect(legacy.localStorage.getItem(LIBREDB_KEYS.connections)).toBeNull();
  });
});

describe('what is left to import', () => {
  it('is found for either generation, and nothing without one', () => {
    for (const generation of ['orchids', 'libredb'] as const) {
      const { entries } = legacyLocalStorage({ generation, seed: 'found' });
      expect(hasLegacyData(browserWith(entries).localStorage)).toBe(true);
      // Any one of its keys alone is enough.
      for (const key of Object.keys(entries).filter((k) => !k.startsWith('libredb_star'))) {
        expect(
          hasLegacyData(browserWith({ [key]: entries[key] as string }).localStorage),
          key,
        ).toBe(true);
      }
    }
    expect(
      hasLegacyData(
        browserWith({ libredb_star_prompt_handled: '1', platform_vault_v1: '{}' }).localStorage,
      ),
    ).toBe(false);
  });

  it('gives no report when there was never anything to import', async () => {
    expect((await open(browserWith({})).open()).legacyImport).toBeNull();
  });
});
