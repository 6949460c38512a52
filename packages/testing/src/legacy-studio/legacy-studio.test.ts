import { describe, expect, it } from 'vitest';
import {
  ALL_STUDIO_TYPES,
  bothGenerations,
  COLLECTION_KEYS,
  createLegacyRng,
  DATABASE_TYPES_TODAY,
  damagedLegacyEntries,
  editLegacyConnection,
  isRawStringKey,
  LIBREDB_ONLY_KEYS,
  legacyConnection,
  legacyDemoConnection,
  legacyHistoryItem,
  legacyLocalStorage,
  legacySavedChart,
  legacySavedQuery,
  legacySeedConnection,
  parseTagInput,
  SECRET_MARKER,
  SHARED_KEYS,
  secretSearchForms,
  studioDefaultMaskingConfig,
  workspaceTabsKey,
} from './index.ts';

type Row = Record<string, unknown>;

/** Reads a value the way the studio does: raw strings as they are, everything else JSON.parse. */
function read(key: string, value: string): unknown {
  return isRawStringKey(key) ? value : JSON.parse(value);
}

function rows(entries: Record<string, string>, key: string): Row[] {
  const value = entries[key];
  if (value === undefined) throw new Error(`no ${key}`);
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed)) throw new Error(`${key} is not an array`);
  return parsed as Row[];
}

const isIso = (value: unknown): boolean =>
  typeof value === 'string' && new Date(value).toISOString() === value;

const orchids = legacyLocalStorage({ generation: 'orchids' });
const libredb = legacyLocalStorage({ generation: 'libredb' });
const both = bothGenerations();
const O = COLLECTION_KEYS.orchids;
const L = COLLECTION_KEYS.libredb;

describe('key names', () => {
  it('an orchids-era browser holds orchids_db_* and none of the renamed keys', () => {
    expect(Object.keys(orchids.entries)).toEqual(
      expect.arrayContaining(['orchids_db_connections', 'orchids_db_history', 'orchids_db_saved']),
    );
    for (const key of Object.values(L)) expect(orchids.entries).not.toHaveProperty(key);
    for (const key of Object.values(LIBREDB_ONLY_KEYS))
      expect(orchids.entries).not.toHaveProperty(key);
    expect(
      Object.keys(orchids.entries).some((k) => k.startsWith('libredb_workspace_tabs_v1')),
    ).toBe(false);
  });

  it('a libredb-era browser holds libredb_connections/history/saved_queries and no orchids_db_*', () => {
    expect(Object.keys(libredb.entries)).toEqual(
      expect.arrayContaining(['libredb_connections', 'libredb_history', 'libredb_saved_queries']),
    );
    expect(Object.keys(libredb.entries).some((k) => k.startsWith('orchids_'))).toBe(false);
  });

  it('the keys the rename left alone have one name in both generations', () => {
    for (const key of [
      'libredb_schema_snapshots',
      'libredb_saved_charts',
      'libredb_active_connection_id',
      'libredb_masking_config',
      'libredb_threshold_config',
    ]) {
      expect(orchids.entries).toHaveProperty(key);
      expect(libredb.entries).toHaveProperty(key);
    }
  });

  it('libredb-era keys: dismissed seeds, per-connection tabs (and :default), theme, line numbers', () => {
    expect(libredb.entries).toHaveProperty('libredb_dismissed_seeds');
    expect(libredb.entries).toHaveProperty('libredb_workspace_tabs_v1:default');
    expect(libredb.entries).toHaveProperty('libredb-theme');
    expect(libredb.entries).toHaveProperty('editor-line-numbers');
    const ids = new Set(rows(libredb.entries, L.connections).map((c) => c.id));
    const tabKeys = Object.keys(libredb.entries).filter((k) =>
      k.startsWith('libredb_workspace_tabs_v1:'),
    );
    expect(tabKeys.some((k) => ids.has(k.slice('libredb_workspace_tabs_v1:'.length)))).toBe(true);
    expect(workspaceTabsKey('seed:x')).toBe('libredb_workspace_tabs_v1:seed:x');
  });

  it('editor-line-numbers is in orchids data only when asked (only untagged builds wrote it)', () => {
    expect(orchids.entries).not.toHaveProperty('editor-line-numbers');
    const asked = legacyLocalStorage({ generation: 'orchids', include: { lineNumbers: true } });
    expect(['true', 'false']).toContain(asked.entries['editor-line-numbers']);
  });

  it('no browser has an audit log unless asked, since no browser code writes one', () => {
    expect(orchids.entries).not.toHaveProperty(SHARED_KEYS.auditLog);
    expect(libredb.entries).not.toHaveProperty(SHARED_KEYS.auditLog);
    const asked = legacyLocalStorage({ generation: 'libredb', auditEvents: 1_200 });
    const events = rows(asked.entries, SHARED_KEYS.auditLog);
    expect(events).toHaveLength(1_000);
    expect(Object.keys(events[0] ?? {}).slice(-2)).toEqual(['id', 'timestamp']);
    expect(String(events[0]?.id)).toMatch(/^\d{13}-[0-9a-z]{1,6}$/);
    expect(isIso(events[0]?.timestamp)).toBe(true);
  });
});

describe('values are what the studio wrote', () => {
  it('every value is a string that its reader parses: JSON, except the raw-string keys', () => {
    for (const browser of [orchids.entries, libredb.entries, both.entries]) {
      for (const [key, value] of Object.entries(browser)) {
        expect(typeof value).toBe('string');
        expect(() => read(key, value)).not.toThrow();
      }
    }
  });

  it('raw-string keys hold plain strings, not JSON', () => {
    const active = libredb.entries[SHARED_KEYS.activeConnectionId] ?? '';
    expect(active).not.toMatch(/^"/);
    expect(rows(libredb.entries, L.connections).some((c) => c.id === active)).toBe(true);
    expect(libredb.entries['libredb-theme']).toBe('light');
    expect(libredb.entries['editor-line-numbers']).toBe('false');
    expect(libredb.entries[LIBREDB_ONLY_KEYS.starPromptCount]).toMatch(/^\d+$/);
    expect(() => JSON.parse(libredb.entries['libredb-theme'] ?? '')).toThrow();
  });

  it('dates are ISO strings', () => {
    for (const c of rows(libredb.entries, L.connections)) expect(isIso(c.createdAt)).toBe(true);
    for (const h of rows(orchids.entries, O.history)) expect(isIso(h.executedAt)).toBe(true);
    for (const q of rows(libredb.entries, L.savedQueries)) {
      expect(isIso(q.createdAt)).toBe(true);
      expect(q.updatedAt).toBe(q.createdAt);
    }
    for (const s of rows(libredb.entries, SHARED_KEYS.schemaSnapshots))
      expect(isIso(s.createdAt)).toBe(true);
  });

  it('an emptied port is NaN in the object and null in storage', () => {
    const c = legacyConnection(createLegacyRng(3), { type: 'trino', emptyPort: true });
    expect(c.port).toBeNaN();
    expect(JSON.parse(JSON.stringify(c)).port).toBeNull();
    for (const browser of [orchids, libredb]) {
      const key = browser === orchids ? O.connections : L.connections;
      expect(rows(browser.entries, key).some((row) => 'port' in row && row.port === null)).toBe(
        true,
      );
    }
  });

  it('undefined fields are absent: URI-mode address fields, a success row’s errorMessage', () => {
    const uri = rows(libredb.entries, L.connections).find((c) => c.type === 'mongodb');
    expect(uri && Object.keys(uri)).toEqual([
      'id',
      'name',
      'type',
      'database',
      'createdAt',
      'environment',
      'color',
      'connectionString',
    ]);
    const success = rows(libredb.entries, L.history).find((h) => h.status === 'success');
    expect(success).not.toHaveProperty('errorMessage');
  });

  it('empty user, password and database are stored as ""; a blank name as typed; no name as <type>-connection', () => {
    const list = rows(orchids.entries, O.connections);
    const mongo = list.find((c) => c.type === 'mongodb' && c.host !== undefined);
    expect(mongo).toMatchObject({ user: '', password: '', database: '' });
    expect(list.some((c) => c.name === '   ')).toBe(true);
    expect(list.some((c) => c.name === 'mysql-connection')).toBe(true);
    expect(list.some((c) => c.name === 'demo-connection' && c.type === 'demo')).toBe(true);
  });
});

describe('connections', () => {
  it('a libredb-era browser has all fifteen types of today plus demo; the builders take every type', () => {
    const types = new Set(rows(libredb.entries, L.connections).map((c) => c.type));
    expect([...types].sort()).toEqual([...ALL_STUDIO_TYPES].sort());
    expect(DATABASE_TYPES_TODAY).toHaveLength(15);
    for (const type of ALL_STUDIO_TYPES) {
      expect(legacyConnection(createLegacyRng(type), { type }).type).toBe(type);
    }
  });

  it('an orchids-era browser has the types its form offered, demo included', () => {
    const types = new Set(rows(orchids.entries, O.connections).map((c) => c.type));
    expect([...types].sort()).toEqual([
      'demo',
      'mongodb',
      'mssql',
      'mysql',
      'oracle',
      'postgres',
      'redis',
    ]);
  });

  it('user connections are stored in the order they were added; edits keep their place', () => {
    for (const [browser, key] of [
      [orchids, O.connections],
      [libredb, L.connections],
    ] as const) {
      const own = rows(browser.entries, key).filter(
        (c) => c.isDemo !== true && c.seedId === undefined,
      );
      const times = own.map((c) => Date.parse(String(c.createdAt)));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(own.length).toBeGreaterThan(8);
    }
    const edited = rows(libredb.entries, L.connections).find((c) => c.type === 'redis');
    expect(edited?.name).toBe('Cache ✎');
    expect(edited).not.toHaveProperty('user');
  });

  it('the demo connection carries the server password and is re-saved in place on every page load', () => {
    const list = rows(libredb.entries, L.connections);
    const demo = list[0];
    expect(demo).toMatchObject({ id: 'demo-postgres-neon', type: 'postgres', isDemo: true });
    expect(String(demo?.password)).toMatch(SECRET_MARKER);
    expect(Date.parse(String(demo?.createdAt))).toBeGreaterThan(
      Date.parse(String(list[1]?.createdAt)),
    );
    const mock = legacyDemoConnection(createLegacyRng(1), {
      variant: 'mock',
      createdAt: new Date(0),
    });
    expect(Object.keys(mock)).toEqual(['id', 'name', 'type', 'createdAt', 'isDemo']);
    expect(rows(orchids.entries, O.connections)[0]).toMatchObject({
      id: 'demo-mock',
      type: 'demo',
    });
  });

  it('seed copies keep managed:false, seedId and roles; samples are stamped 1970; managed seeds are not stored', () => {
    const list = rows(libredb.entries, L.connections);
    const copy = list.find((c) => c.seedId === 'analytics-replica');
    expect(copy).toMatchObject({
      id: 'seed:analytics-replica',
      managed: false,
      roles: ['*'],
      ssl: { rejectUnauthorized: false },
    });
    const sample = list.find((c) => c.seedId === 'sqlite-embedded-sample');
    expect(sample?.createdAt).toBe('1970-01-01T00:00:00.000Z');
    // Edited with the HEAD form: preserved fields first, the unowned `roles` gone.
    expect(Object.keys(sample ?? {}).slice(0, 3)).toEqual(['managed', 'seedId', 'id']);
    expect(sample).not.toHaveProperty('roles');
    expect(list.some((c) => c.managed === true)).toBe(false);
    const uriOnly = list.find((c) => c.seedId === 'events-mongo');
    expect(Object.keys(uriOnly ?? {})).toEqual([
      ...['id', 'name', 'type', 'connectionString', 'environment'],
      ...['createdAt', 'managed', 'roles', 'seedId'],
    ]);
    const onSeed = legacyLocalStorage({ generation: 'libredb', activeConnection: 'managed-seed' });
    const active = onSeed.entries[SHARED_KEYS.activeConnectionId];
    expect(active).toBe('seed:prod-warehouse');
    expect(rows(onSeed.entries, L.connections).some((c) => c.id === active)).toBe(false);
    expect(
      legacySeedConnection(createLegacyRng(1), { seed: 'config', managed: true }),
    ).not.toHaveProperty('password');
  });

  it('a deleted seed copy is remembered in libredb_dismissed_seeds and gone from the list', () => {
    expect(read('libredb_dismissed_seeds', libredb.entries.libredb_dismissed_seeds ?? '')).toEqual([
      'libredb-embedded-sample',
    ]);
    expect(
      rows(libredb.entries, L.connections).some((c) => c.seedId === 'libredb-embedded-sample'),
    ).toBe(false);
  });

  it('each form revision writes its own fields, in its own order', () => {
    const rng = createLegacyRng(7);
    const v05 = legacyConnection(rng, {
      type: 'postgres',
      createdAt: new Date('2026-01-02T00:00:00Z'),
    });
    expect(Object.keys(v05)).toEqual([
      'id',
      'name',
      'type',
      'host',
      'port',
      'user',
      'password',
      'database',
      'createdAt',
    ]);
    const v07 = legacyConnection(rng, {
      type: 'oracle',
      createdAt: new Date('2026-04-01T00:00:00Z'),
      withSsl: 'require',
      withSshTunnel: 'password',
    });
    expect(Object.keys(v07)).toEqual([
      ...['id', 'name', 'type', 'host', 'port', 'user', 'password', 'database', 'createdAt'],
      ...['environment', 'color', 'ssl', 'sshTunnel', 'serviceName'],
    ]);
    // Before 2026-08-12 a file engine got the form's host and whatever port the last type left.
    const oldFile = legacyConnection(rng, {
      type: 'sqlite',
      createdAt: new Date('2026-08-01T00:00:00Z'),
      previousPort: '3306',
    });
    expect(oldFile).toMatchObject({ host: 'localhost', port: 3306, user: '', password: '' });
    const headFile = legacyConnection(rng, {
      type: 'libredb',
      createdAt: new Date('2026-08-20T00:00:00Z'),
    });
    expect(Object.keys(headFile)).toEqual([
      'id',
      'name',
      'type',
      'database',
      'createdAt',
      'environment',
      'color',
    ]);
    const agent = legacyConnection(rng, {
      type: 'cassandra',
      agentProfile: true,
      createdAt: new Date('2026-08-22T00:00:00Z'),
    });
    expect(Object.keys(agent).slice(0, 3)).toEqual(['agentUser', 'agentPassword', 'id']);
    expect(agent.localDataCenter).toBe('datacenter1');
    expect(() =>
      legacyConnection(rng, {
        type: 'mysql',
        withSsl: true,
        createdAt: new Date('2026-01-02T00:00:00Z'),
      }),
    ).toThrow();
  });

  it('editing through an older form drops seed and agent fields; the HEAD form keeps them', () => {
    const rng = createLegacyRng(8);
    const seed = legacySeedConnection(rng, { seed: 'config' });
    expect(editLegacyConnection(seed, { at: new Date('2026-05-01T00:00:00Z') })).not.toHaveProperty(
      'seedId',
    );
    const kept = editLegacyConnection(seed, { at: new Date('2026-08-20T00:00:00Z') });
    expect(kept).toMatchObject({
      id: seed.id,
      seedId: seed.seedId,
      managed: false,
      group: 'Seeded',
    });
    expect(kept.createdAt).toBe(seed.createdAt);
  });

  it('connection ids follow the scheme of their day', () => {
    const list = rows(libredb.entries, L.connections).filter(
      (c) => c.isDemo !== true && c.seedId === undefined,
    );
    for (const c of list) {
      const before = Date.parse(String(c.createdAt)) < Date.parse('2026-08-18T10:23:32Z');
      expect(String(c.id)).toMatch(before ? /^[0-9a-z]{8,9}$/ : /^[0-9a-z]{2,14}$/);
    }
  });
});

describe('history', () => {
  it('is newest first and capped at 500 of the runs', () => {
    for (const [browser, key] of [
      [orchids, O.history],
      [libredb, L.history],
    ] as const) {
      const list = rows(browser.entries, key);
      expect(browser.counts.historyRuns).toBeGreaterThan(500);
      expect(list).toHaveLength(500);
      const times = list.map((h) => Date.parse(String(h.executedAt)));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    }
    expect(legacyLocalStorage({ generation: 'libredb', history: 40 }).counts.history).toBe(40);
  });

  it('ids repeat, as Math.random ids can', () => {
    const ids = rows(orchids.entries, O.history).map((h) => h.id);
    expect(new Set(ids).size).toBeLessThan(ids.length);
    expect(orchids.counts.duplicateHistoryIds).toBeGreaterThanOrEqual(1);
    for (const id of ids) expect(String(id)).toMatch(/^[0-9a-z]{1,9}$/);
  });

  it('records an empty editor run with query "" and a multi-statement failure with rowCount and errorMessage', () => {
    const list = rows(libredb.entries, L.history);
    const empty = list.find((h) => h.query === '');
    expect(empty).toMatchObject({
      status: 'error',
      errorMessage: 'Connection and query are required',
    });
    const multi = list.find((h) => h.status === 'error' && 'rowCount' in h);
    expect(typeof multi?.rowCount).toBe('number');
    expect(typeof multi?.errorMessage).toBe('string');
    const target = { id: 'x', name: ' ', type: 'postgres' as const };
    const item = legacyHistoryItem(createLegacyRng(2), {
      connection: target,
      executedAt: new Date('2026-08-20T10:00:00Z'),
      outcome: 'success',
    });
    expect('errorMessage' in item && item.errorMessage === undefined).toBe(true);
  });

  it('runs against a managed seed are recorded under its seed: id', () => {
    expect(
      rows(libredb.entries, L.history).some((h) => h.connectionId === 'seed:prod-warehouse'),
    ).toBe(true);
  });
});

describe('saved queries', () => {
  it('tags are split on commas, trimmed, empties dropped: duplicates and long tags kept', () => {
    expect(parseTagInput(' a, b ,, a ,')).toEqual(['a', 'b', 'a']);
    expect(parseTagInput('')).toEqual([]);
    const list = rows(libredb.entries, L.savedQueries);
    expect(list.some((q) => (q.tags as string[]).filter((t) => t === 'reports').length === 2)).toBe(
      true,
    );
    expect(list.some((q) => q.name === '   ')).toBe(true);
    expect(list.some((q) => q.query === '')).toBe(true);
    expect(list.every((q) => typeof q.description === 'string')).toBe(true);
    const long = legacySavedQuery(createLegacyRng(1), {
      connectionType: 'demo',
      savedAt: new Date('2026-08-20T10:00:00Z'),
      tagsInput: `${'t'.repeat(400)},x`,
    });
    expect(long.tags?.[0]).toHaveLength(400);
  });
});

describe('snapshots and charts', () => {
  it('snapshots carry TableSchema with columns, indexes and foreign keys; a blank label is no label', () => {
    const list = rows(libredb.entries, SHARED_KEYS.schemaSnapshots);
    const table = ((list[0]?.schema ?? []) as Row[]).find((t) => t.name === 'employees');
    expect(table).toMatchObject({
      name: 'employees',
      columns: expect.any(Array),
      indexes: expect.any(Array),
    });
    expect(((table?.foreignKeys ?? []) as Row[])[0]).toEqual({
      columnName: 'department_id',
      referencedTable: 'departments',
      referencedColumn: 'id',
    });
    for (const s of list) {
      expect(String(s.id)).toMatch(/^(remote-)?\d{13}$/);
      if ('label' in s) expect(String(s.label).trim()).not.toBe('');
    }
  });

  it('orchids charts have no createdAt and "" for no grouping; libredb charts have createdAt and omit it', () => {
    const old = rows(orchids.entries, SHARED_KEYS.savedCharts);
    expect(old.every((c) => !('createdAt' in c))).toBe(true);
    expect(old.some((c) => c.dateGrouping === '')).toBe(true);
    const now = rows(libredb.entries, SHARED_KEYS.savedCharts);
    expect(now.every((c) => isIso(c.createdAt))).toBe(true);
    expect(now.some((c) => !('dateGrouping' in c))).toBe(true);
    const shared = rows(both.entries, SHARED_KEYS.savedCharts);
    expect(shared.some((c) => 'createdAt' in c) && shared.some((c) => !('createdAt' in c))).toBe(
      true,
    );
    expect(
      legacySavedChart(createLegacyRng(1), { savedAt: new Date('2026-02-20T00:00:00Z') }),
    ).not.toHaveProperty('createdAt');
  });
});

describe('settings', () => {
  it('masking config: the ten built-ins, one switched off, one custom pattern', () => {
    const config = read(
      SHARED_KEYS.maskingConfig,
      libredb.entries[SHARED_KEYS.maskingConfig] ?? '',
    ) as {
      patterns: Row[];
    };
    const builtins = config.patterns.filter((p) => p.isBuiltin === true);
    expect(builtins.map((p) => p.id)).toEqual(
      studioDefaultMaskingConfig().patterns.map((p) => p.id),
    );
    expect(builtins.some((p) => p.enabled === false)).toBe(true);
    const custom = config.patterns.find((p) => p.isBuiltin === false);
    expect(String(custom?.id)).toMatch(/^custom-\d{13}$/);
    expect(custom?.customMask).toEqual(expect.any(String));
  });

  it('thresholds: the four metrics, integers, one pair inverted as the sliders allow', () => {
    const list = rows(libredb.entries, SHARED_KEYS.thresholdConfig);
    expect(list.map((t) => t.metric)).toEqual([
      'cacheHitRatio',
      'connectionPercent',
      'deadlocks',
      'bufferPoolUsage',
    ]);
    expect(
      list.some((t) => t.direction === 'above' && Number(t.warning) > Number(t.critical)),
    ).toBe(true);
  });

  it('workspace tabs: {activeTabId, tabs:[{id,name,query,type}]} with the default tab first', () => {
    for (const [key, value] of Object.entries(libredb.entries)) {
      if (!key.startsWith('libredb_workspace_tabs_v1:')) continue;
      const state = JSON.parse(value) as { activeTabId: string; tabs: Row[] };
      expect(state.tabs[0]).toMatchObject({ id: 'default', name: 'Query 1' });
      expect(state.tabs.some((t) => t.id === state.activeTabId)).toBe(true);
      for (const tab of state.tabs) {
        expect(Object.keys(tab)).toEqual(['id', 'name', 'query', 'type']);
        expect(['sql', 'mongodb', 'redis', 'libredb']).toContain(tab.type);
      }
    }
  });
});

describe('secrets', () => {
  it('every listed secret is in the entries, and every marker in the entries belongs to a listed secret', () => {
    for (const browser of [orchids, libredb, both]) {
      const text = Object.values(browser.entries).join('\n');
      for (const secret of browser.secrets) {
        expect(secretSearchForms(secret).some((form) => text.includes(form))).toBe(true);
      }
      const markers = (value: string): string[] =>
        value.match(new RegExp(SECRET_MARKER, 'g')) ?? [];
      const listed = new Set(browser.secrets.flatMap(markers));
      for (const marker of markers(text)) expect(listed).toContain(marker);
      expect(new Set(browser.secrets).size).toBe(browser.secrets.length);
    }
  });

  it('covers every kind of secret the studio stores', () => {
    const list = rows(libredb.entries, L.connections);
    const secrets = new Set(libredb.secrets);
    const has = (value: unknown): boolean => typeof value === 'string' && secrets.has(value);
    expect(list.some((c) => has(c.password))).toBe(true);
    expect(list.some((c) => has(c.connectionString))).toBe(true);
    expect(list.some((c) => has((c.ssl as Row | undefined)?.clientKey))).toBe(true);
    const tunnels = list.map((c) => c.sshTunnel as Row | undefined).filter((t) => t !== undefined);
    expect(tunnels.some((t) => has(t.password))).toBe(true);
    expect(tunnels.some((t) => has(t.passphrase))).toBe(true);
    const key = tunnels.map((t) => t.privateKey).find(has);
    expect(String(key)).toMatch(
      /^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/,
    );
    expect(String(key).length).toBeGreaterThan(3_000);
    expect(list.some((c) => has(c.agentPassword))).toBe(true);
    // The password inside a URI is stored percent-encoded, and listed in that form too.
    const uri = String(list.find((c) => has(c.connectionString))?.connectionString);
    expect(libredb.secrets.some((s) => s !== uri && uri.includes(s) && s.includes('%40'))).toBe(
      true,
    );
  });

  it('password-like secrets carry the awkward characters', () => {
    const password = libredb.secrets.find((s) => s.startsWith('SECRET-') && s.includes('password'));
    for (const ch of ['@', ':', '/', '?', '#', '%', "'", '"', '\\', ' ', 'ü', '🔑']) {
      expect(password).toContain(ch);
    }
  });
});

describe('reproducibility', () => {
  it('one seed gives one browser; another seed another', () => {
    expect(legacyLocalStorage({ generation: 'libredb', seed: 42 })).toEqual(
      legacyLocalStorage({ generation: 'libredb', seed: 42 }),
    );
    expect(legacyLocalStorage({ generation: 'libredb', seed: 43 }).entries).not.toEqual(
      legacyLocalStorage({ generation: 'libredb', seed: 42 }).entries,
    );
  });
});

describe('a browser that used both generations', () => {
  it('holds both key sets', () => {
    for (const key of [...Object.values(O), ...Object.values(L)])
      expect(both.entries).toHaveProperty(key);
  });

  it('has ids in both generations whose newer item differs', () => {
    expect(both.overlap.connectionIds).toContain('demo-postgres-neon');
    const old = rows(both.entries, O.connections).find((c) => c.id === 'demo-postgres-neon');
    const now = rows(both.entries, L.connections).find((c) => c.id === 'demo-postgres-neon');
    expect(Date.parse(String(now?.createdAt))).toBeGreaterThan(Date.parse(String(old?.createdAt)));
    expect(both.overlap.historyIds.length).toBeGreaterThan(0);
    for (const id of both.overlap.historyIds) {
      const a = rows(both.entries, O.history).find((h) => h.id === id);
      const b = rows(both.entries, L.history).find((h) => h.id === id);
      expect(b).not.toEqual(a);
    }
    expect(both.overlap.savedQueryIds).toHaveLength(1);
  });

  it('ends with the active id on a libredb-era connection', () => {
    const active = both.entries[SHARED_KEYS.activeConnectionId];
    expect(rows(both.entries, L.connections).some((c) => c.id === active)).toBe(true);
  });
});

describe('damaged entries', () => {
  for (const generation of ['orchids', 'libredb'] as const) {
    it(`${generation}: each is labelled and damaged as it says`, () => {
      const damaged = damagedLegacyEntries({ generation });
      expect(new Set(damaged.map((d) => d.damage))).toEqual(
        new Set([
          'invalid-json',
          'not-an-array',
          'missing-fields',
          'bad-date',
          'wrong-type',
          'not-an-object',
        ]),
      );
      for (const d of damaged) {
        expect(d.label.length).toBeGreaterThan(10);
        if (d.damage === 'invalid-json') {
          expect(() => JSON.parse(d.value)).toThrow();
          continue;
        }
        const parsed: unknown = JSON.parse(d.value);
        if (d.damage === 'not-an-array') expect(Array.isArray(parsed)).toBe(false);
        if (d.damagedIndexes === null) continue;
        expect(Array.isArray(parsed)).toBe(true);
        expect((parsed as unknown[]).length - d.damagedIndexes.length).toBe(d.intactItems);
      }
      const keys = new Set(damaged.map((d) => d.key));
      expect(keys.has(COLLECTION_KEYS[generation].connections)).toBe(true);
      const dates = damaged.find(
        (d) => d.damage === 'bad-date' && d.key === COLLECTION_KEYS[generation].connections,
      );
      const bad = (JSON.parse(dates?.value ?? '[]') as Row[]).filter((_, i) =>
        dates?.damagedIndexes?.includes(i),
      );
      expect(
        bad.every(
          (c) => Number.isNaN(new Date(c.createdAt as string).getTime()) || c.createdAt === null,
        ),
      ).toBe(true);
    });
  }
});
