import { KNOWN_DATABASE_TYPES } from '@platform/schema/browser';
import { describe, expect, it } from 'vitest';
import { MAX_AUDIT_EVENTS, MAX_SCHEMA_SNAPSHOTS } from '../limits.ts';
import { useTestStorage } from '../test-support/shared-database.ts';
import { defaultMaskingConfig, defaultThresholds } from './defaults.ts';
import type {
  AuditEvent,
  DatabaseConnection,
  QueryHistoryItem,
  SavedChartConfig,
  SchemaSnapshot,
} from './types.ts';

/**
 * The studio's facade (libredb-studio `src/lib/storage/storage-facade.ts`), method by method,
 * with objects shaped as its components build them.
 */
const ctx = useTestStorage();

/** Every row of every table, as text: where a secret must never be. */
async function everythingStored(): Promise<string> {
  const { rows } = await ctx.database.pg.query<{ t: string }>(`
    select string_agg(format('%s %s', c.relname, (xpath('/', query_to_xml(
      format('select * from %I.%I', n.nspname, c.relname), true, false, '')))[1]::text), E'\\n') as t
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname in ('public', 'drizzle')`);
  return rows[0]?.t ?? '';
}

/** A MySQL connection as the studio's connection modal saves one, SSL and SSH filled in. */
const mysql = (overrides: Partial<DatabaseConnection> = {}): DatabaseConnection => ({
  id: 'k3x9q',
  name: 'Orders (replica)',
  type: 'mysql',
  host: 'db.internal',
  port: 3306,
  user: 'reporter',
  password: 'pa:ss@w/rd?#%',
  database: 'orders',
  createdAt: new Date('2026-03-10T09:00:00.000Z'),
  environment: 'production',
  color: '#ef4444',
  group: 'Shop',
  ssl: {
    mode: 'verify-full',
    caCert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    clientKey: '-----BEGIN PRIVATE KEY-----\nSECRET-KEY\n-----END PRIVATE KEY-----',
  },
  sshTunnel: {
    enabled: true,
    host: 'bastion.example.com',
    port: 22,
    username: 'ops',
    authMethod: 'privateKey',
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${'b3BlbnNzaC1rZXktdjEAAAAA'.repeat(120)}\n-----END OPENSSH PRIVATE KEY-----`,
    passphrase: 'ssh passphrase ✓',
  },
  agentUser: 'agent_ro',
  agentPassword: 'agent-secret',
  ...overrides,
});

const history = (n: number, overrides: Partial<QueryHistoryItem> = {}): QueryHistoryItem => ({
  id: `r${n}`,
  connectionId: 'k3x9q',
  connectionName: 'Orders (replica)',
  tabName: 'Query 1',
  query: `select ${n}`,
  executionTime: 12,
  status: 'success',
  executedAt: new Date(Date.UTC(2026, 2, 1, 0, 0, n)),
  rowCount: 1,
  ...overrides,
});

describe('connections', () => {
  it('keeps insertion order, and saveConnection replaces in place', async () => {
    await ctx.storage.saveConnection(mysql({ id: 'b', name: 'B' }));
    await ctx.storage.saveConnection(mysql({ id: 'a', name: 'A' }));
    await ctx.storage.saveConnection(mysql({ id: 'c', name: 'C' }));
    await ctx.storage.saveConnection(mysql({ id: 'b', name: 'B, renamed' }));

    const list = await ctx.storage.getConnections();
    expect(list.map((c) => [c.id, c.name])).toEqual([
      ['b', 'B, renamed'],
      ['a', 'A'],
      ['c', 'C'],
    ]);
  });

  it('gives back every field it was given, known or not, and every secret byte for byte', async () => {
    const given = mysql({
      futureField: { nested: [1, 'two', null] },
      managed: true,
      seedId: 'seed-1',
    });
    await ctx.storage.saveConnection(given);

    const [back] = await ctx.storage.getConnections();

    expect(back).toEqual(given);
    expect(back?.createdAt).toBeInstanceOf(Date);
  });

  it('keeps what the studio writes as JSON keeps it: NaN ports as null, empty strings, blank names', async () => {
    await ctx.storage.saveConnection({
      id: 'x1',
      name: '   ',
      type: 'postgres',
      host: 'localhost',
      port: Number.NaN,
      user: '',
      password: '',
      database: '',
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
    });

    expect(await ctx.storage.getConnections()).toEqual([
      {
        id: 'x1',
        name: '   ',
        type: 'postgres',
        host: 'localhost',
        port: null,
        user: '',
        password: '',
        database: '',
        createdAt: new Date('2026-01-01T00:00:00.000Z'),
      },
    ]);
  });

  it('takes every database type the studio has, and types it does not know yet', async () => {
    const types = [...KNOWN_DATABASE_TYPES, 'surrealdb'];
    for (const [n, type] of types.entries()) {
      await ctx.storage.saveConnection({
        id: `t${n}`,
        name: type,
        type,
        createdAt: new Date(),
        ...(type === 'mongodb' ? { connectionString: 'mongodb+srv://u:mongo-pw@cluster0/db' } : {}),
      });
    }

    const list = await ctx.storage.getConnections();
    expect(list.map((c) => c.type)).toEqual(types);
    expect(list.find((c) => c.type === 'mongodb')?.connectionString).toBe(
      'mongodb+srv://u:mongo-pw@cluster0/db',
    );
  });

  it('keeps every secret out of the database: only the vault has them', async () => {
    await ctx.storage.saveConnection(
      mysql({ connectionString: 'mysql://reporter:cs-secret-9@db.internal/orders' }),
    );

    const stored = await everythingStored();
    const secrets = [
      'pa:ss@w/rd?#%',
      'SECRET-KEY',
      'b3BlbnNzaC1rZXktdjEAAAAA',
      'ssh passphrase',
      'agent-secret',
      'cs-secret-9',
    ];
    for (const secret of secrets) expect(stored).not.toContain(secret);
    expect(stored).toContain('bastion.example.com');
    expect((await ctx.storage.getConnections())[0]?.connectionString).toBe(
      'mysql://reporter:cs-secret-9@db.internal/orders',
    );
  });

  it('deletes by id (an unknown one is not an error) and remembers a deleted seed once', async () => {
    await ctx.storage.saveConnection(mysql({ id: 's1', seedId: 'seed-prod' }));
    await ctx.storage.saveConnection(mysql({ id: 's2', seedId: 'seed-prod' }));
    await ctx.storage.saveConnection(mysql({ id: 'plain' }));

    await ctx.storage.deleteConnection('s1');
    await ctx.storage.deleteConnection('s2');
    await ctx.storage.deleteConnection('plain');
    await ctx.storage.deleteConnection('never-existed');
    await ctx.storage.deleteConnection('');

    expect(await ctx.storage.getConnections()).toEqual([]);
    expect(await ctx.storage.getDismissedSeeds()).toEqual(['seed-prod']);
  });
});

describe('history', () => {
  it('keeps an empty editor run, a second run under a used id, and a failed multi-statement run', async () => {
    await ctx.storage.addToHistory(
      history(1, { query: '', status: 'error', errorMessage: 'empty' }),
    );
    await ctx.storage.addToHistory(history(2, { id: 'dup' }));
    await ctx.storage.addToHistory(
      history(3, { id: 'dup', status: 'error', rowCount: 4, errorMessage: 'statement 2 failed' }),
    );

    const items = await ctx.storage.getHistory();
    expect(items.map((h) => h.query)).toEqual(['select 3', 'select 2', '']);
    expect(items[0]).toMatchObject({ rowCount: 4, errorMessage: 'statement 2 failed' });
    expect(items[1]?.id).toBe('dup');
    expect(items[0]?.id).toMatch(/^dup~/);
  });

  it('round-trips any string a browser holds, U+0000 and lone surrogates included', async () => {
    const odd = "select 'a\u0000b', '\uD800', '\uDC00x' -- ünï 🐘";
    await ctx.storage.addToHistory(
      history(1, { query: odd, tabName: 'tab\u0000', errorMessage: '\uDBFF' }),
    );

    const [back] = await ctx.storage.getHistory();

    expect(back?.query).toBe(odd);
    expect(back?.tabName).toBe('tab\u0000');
    expect(back?.errorMessage).toBe('\uDBFF');
  });

  it('keeps fields it does not know, and JSON nulls', async () => {
    await ctx.storage.addToHistory({
      ...history(1),
      executionTime: Number.NaN,
      agentRunId: 'run-7',
    } as QueryHistoryItem);

    const [back] = await ctx.storage.getHistory();

    expect(back).toEqual({ ...history(1), executionTime: null, agentRunId: 'run-7' });
  });
});

describe('saved queries', () => {
  it('lists in insertion order, replaces in place, and keeps tags exactly as typed', async () => {
    const base = {
      query: 'select 1',
      connectionType: 'oracle',
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    await ctx.storage.saveQuery({
      ...base,
      id: 'q2',
      name: 'Second',
      tags: ['b', 'b', 'x'.repeat(300)],
    });
    await ctx.storage.saveQuery({ ...base, id: 'q1', name: 'First' });
    await ctx.storage.saveQuery({
      ...base,
      id: 'q2',
      name: 'Second, edited',
      tags: ['b', 'b', 'x'.repeat(300)],
    });

    const list = await ctx.storage.getSavedQueries();
    expect(list.map((q) => q.name)).toEqual(['Second, edited', 'First']);
    expect(list[0]?.tags).toEqual(['b', 'b', 'x'.repeat(300)]);
    expect(list[1]).not.toHaveProperty('tags');
    expect(list[0]?.connectionType).toBe('oracle');
  });
});

describe('schema snapshots', () => {
  const snapshot = (id: string, connectionId = 'k3x9q'): SchemaSnapshot => ({
    id,
    connectionId,
    connectionName: 'Orders',
    databaseType: 'mysql',
    schema: [
      {
        name: 'orders',
        columns: [{ name: 'id', type: 'int', nullable: false, isPrimary: true }],
        indexes: [{ name: 'PRIMARY', columns: ['id'], unique: true }],
        foreignKeys: [],
        rowCount: 12,
      },
    ],
    createdAt: new Date('2020-01-01T00:00:00.000Z'),
    label: 'before migration',
  });

  it('are oldest first, stamped when saved, and filtered by connection when asked', async () => {
    const before = Date.now();
    await ctx.storage.saveSchemaSnapshot(snapshot('s1'));
    await ctx.storage.saveSchemaSnapshot(snapshot('s2', 'other'));
    await ctx.storage.saveSchemaSnapshot(snapshot('s3'));

    const all = await ctx.storage.getSchemaSnapshots();
    expect(all.map((s) => s.id)).toEqual(['s1', 's2', 's3']);
    expect(all[0]?.createdAt).toBeInstanceOf(Date);
    expect(all[0]?.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(all[0]).toEqual({ ...snapshot('s1'), createdAt: all[0]?.createdAt });
    expect((await ctx.storage.getSchemaSnapshots('k3x9q')).map((s) => s.id)).toEqual(['s1', 's3']);
  });

  it(`keeps the newest ${MAX_SCHEMA_SNAPSHOTS}, dropping the oldest`, async () => {
    for (let n = 1; n <= MAX_SCHEMA_SNAPSHOTS + 3; n++)
      await ctx.storage.saveSchemaSnapshot(snapshot(`s${n}`));

    const ids = (await ctx.storage.getSchemaSnapshots()).map((s) => s.id);
    expect(ids).toHaveLength(MAX_SCHEMA_SNAPSHOTS);
    expect(ids[0]).toBe('s4');
    expect(ids.at(-1)).toBe(`s${MAX_SCHEMA_SNAPSHOTS + 3}`);
  });

  it('keeps both of two saved under one id, as the studio list did, and deletes both by it', async () => {
    await ctx.storage.saveSchemaSnapshot(snapshot('same'));
    await ctx.storage.saveSchemaSnapshot({ ...snapshot('same'), label: 'again' });
    expect((await ctx.storage.getSchemaSnapshots()).map((s) => s.label)).toEqual([
      'before migration',
      'again',
    ]);

    await ctx.storage.deleteSchemaSnapshot('same');
    await ctx.storage.deleteSchemaSnapshot('never-existed');
    expect(await ctx.storage.getSchemaSnapshots()).toEqual([]);
  });
});

describe('saved charts', () => {
  const chart = (id: string, name: string): SavedChartConfig => ({
    id,
    name,
    chartType: 'stacked-bar',
    xAxis: 'month',
    yAxis: ['revenue', 'cost'],
    query: 'select month, revenue, cost from sales',
    connectionId: 'k3x9q',
    createdAt: new Date('2020-01-01T00:00:00.000Z'),
    aggregation: 'sum',
    dateGrouping: 'month',
  });

  it('add at the end stamped now, replace in place as given, delete by id', async () => {
    await ctx.storage.saveChart(chart('c1', 'One'));
    await ctx.storage.saveChart(chart('c2', 'Two'));
    const [first] = await ctx.storage.getSavedCharts();
    expect(first?.createdAt.getTime()).toBeGreaterThan(Date.parse('2021-01-01'));

    await ctx.storage.saveChart(chart('c1', 'One, edited'));
    const charts = await ctx.storage.getSavedCharts();
    expect(charts.map((c) => c.name)).toEqual(['One, edited', 'Two']);
    expect(charts[0]).toEqual(chart('c1', 'One, edited'));

    await ctx.storage.deleteChart('c1');
    expect((await ctx.storage.getSavedCharts()).map((c) => c.id)).toEqual(['c2']);
  });
});

describe('the active connection', () => {
  it('is null until set, one id after, and gone when set to null or empty', async () => {
    expect(await ctx.storage.getActiveConnectionId()).toBeNull();
    await ctx.storage.setActiveConnectionId('k3x9q');
    expect(await ctx.storage.getActiveConnectionId()).toBe('k3x9q');
    await ctx.storage.setActiveConnectionId(null);
    expect(await ctx.storage.getActiveConnectionId()).toBeNull();
    await ctx.storage.setActiveConnectionId('a');
    await ctx.storage.setActiveConnectionId('');
    expect(await ctx.storage.getActiveConnectionId()).toBeNull();
  });
});

describe('the audit log', () => {
  const event = (n: number): AuditEvent => ({
    id: `${1_772_000_000_000 + n}-${n.toString(36).padStart(6, '0')}`,
    timestamp: new Date(1_772_000_000_000 + n).toISOString(),
    type: 'query_execution',
    action: 'execute',
    target: 'orders',
    connectionName: 'Orders',
    user: 'admin',
    result: n % 7 === 0 ? 'failure' : 'success',
    duration: n,
  });

  it(`is [] at first, then what was saved, at most the last ${MAX_AUDIT_EVENTS}`, async () => {
    expect(await ctx.storage.getAuditLog()).toEqual([]);
    const events = Array.from({ length: MAX_AUDIT_EVENTS + 5 }, (_, n) => event(n));

    await ctx.storage.saveAuditLog(events);

    expect(await ctx.storage.getAuditLog()).toEqual(events.slice(-MAX_AUDIT_EVENTS));
  });

  it('appending one event as the studio does rewrites only what changed', async () => {
    let events = Array.from({ length: MAX_AUDIT_EVENTS }, (_, n) => event(n));
    await ctx.storage.saveAuditLog(events);
    const stamps = async () =>
      (
        await ctx.database.pg.query<{ updated_at: Date }>(
          `select updated_at from studio_documents where kind = 'audit_event'`,
        )
      ).rows.map((r) => r.updated_at.getTime());
    const before = new Set(await stamps());
    await new Promise((resolve) => setTimeout(resolve, 5));

    events = [...events, event(MAX_AUDIT_EVENTS)];
    await ctx.storage.saveAuditLog(events);

    expect(await ctx.storage.getAuditLog()).toEqual(events.slice(-MAX_AUDIT_EVENTS));
    const after = await stamps();
    expect(after.filter((stamp) => !before.has(stamp))).toHaveLength(1);
  });
});

describe('masking and threshold configs', () => {
  it('are the studio built-in defaults when nothing is stored', async () => {
    expect(await ctx.storage.getMaskingConfig()).toEqual(defaultMaskingConfig());
    expect(await ctx.storage.getThresholdConfig()).toEqual(defaultThresholds());
    expect(
      (await ctx.storage.getMaskingConfig()).patterns.find((p) => p.id === 'builtin-password')
        ?.columnPatterns,
    ).toContain(['hashed', 'password'].join('_'));
  });

  it('give back what was saved, masking merged with built-ins added since', async () => {
    const defaults = defaultMaskingConfig();
    const edited = {
      ...defaults,
      enabled: false,
      patterns: [
        ...defaults.patterns.filter((p) => p.id !== 'builtin-birthdate'),
        {
          id: 'builtin-retired',
          name: 'Gone',
          columnPatterns: ['x'],
          maskType: 'full' as const,
          enabled: true,
          isBuiltin: true,
        },
        {
          id: 'custom-1',
          name: 'IBAN',
          columnPatterns: ['^iban$'],
          maskType: 'custom' as const,
          enabled: true,
          isBuiltin: false,
          customMask: '****',
        },
      ],
    };
    await ctx.storage.saveMaskingConfig(edited);
    await ctx.storage.saveThresholdConfig([
      { metric: 'deadlocks', warning: 2, critical: 3, direction: 'above', label: 'Deadlocks' },
    ]);

    const masking = await ctx.storage.getMaskingConfig();
    expect(masking.enabled).toBe(false);
    expect(masking.patterns.map((p) => p.id)).toEqual([
      ...defaults.patterns.filter((p) => p.id !== 'builtin-birthdate').map((p) => p.id),
      'custom-1',
      'builtin-birthdate',
    ]);
    expect(await ctx.storage.getThresholdConfig()).toEqual([
      { metric: 'deadlocks', warning: 2, critical: 3, direction: 'above', label: 'Deadlocks' },
    ]);
  });
});

describe('per profile, with the roles of the rest', () => {
  it('another profile sees none of it', async () => {
    await ctx.storage.saveConnection(mysql());
    await ctx.storage.saveSchemaSnapshot({
      id: 's',
      connectionId: 'k3x9q',
      connectionName: 'x',
      databaseType: 'mysql',
      schema: [],
      createdAt: new Date(),
    });
    await ctx.storage.setActiveConnectionId('k3x9q');
    await ctx.storage.saveAuditLog([
      {
        id: 'e',
        timestamp: 't',
        type: 'logout',
        action: 'a',
        target: 't',
        user: 'u',
        result: 'success',
      },
    ]);
    const ada = await ctx.storage.users.create({ username: 'ada', role: 'user' });

    await ctx.storage.switchUser(ada.id);

    expect(await ctx.storage.getConnections()).toEqual([]);
    expect(await ctx.storage.getSchemaSnapshots()).toEqual([]);
    expect(await ctx.storage.getActiveConnectionId()).toBeNull();
    expect(await ctx.storage.getAuditLog()).toEqual([]);
    expect(await ctx.storage.getMaskingConfig()).toEqual(defaultMaskingConfig());
  });

  it('a viewer records snapshots, the audit log and where they are, but makes no charts or configs', async () => {
    const vic = await ctx.storage.users.create({ username: 'vic', role: 'viewer' });
    await ctx.storage.switchUser(vic.id);

    await ctx.storage.saveSchemaSnapshot({
      id: 's',
      connectionId: 'c',
      connectionName: 'x',
      databaseType: 'postgres',
      schema: [],
      createdAt: new Date(),
    });
    await ctx.storage.saveAuditLog([
      {
        id: 'e',
        timestamp: 't',
        type: 'logout',
        action: 'a',
        target: 't',
        user: 'vic',
        result: 'success',
      },
    ]);
    await ctx.storage.setActiveConnectionId('c');
    await expect(
      ctx.storage.saveChart({
        id: 'c',
        name: 'n',
        chartType: 'bar',
        xAxis: 'x',
        yAxis: [],
        createdAt: new Date(),
      }),
    ).rejects.toMatchObject({ code: 'PERMISSION' });
    await expect(
      ctx.storage.saveMaskingConfig({ ...defaultMaskingConfig(), enabled: false }),
    ).rejects.toMatchObject({
      code: 'PERMISSION',
    });

    expect(await ctx.storage.getSchemaSnapshots()).toHaveLength(1);
    expect(await ctx.storage.getMaskingConfig()).toEqual(defaultMaskingConfig());
  });
});

describe('bad input', () => {
  it('is a typed error, never a raw driver error, and writes nothing', async () => {
    await expect(ctx.storage.saveConnection(mysql({ id: 'a\u0000b' }))).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      ctx.storage.addToHistory(history(1, { executedAt: new Date('not a date') })),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      ctx.storage.saveSchemaSnapshot({
        id: 's',
        big: 'x'.repeat(17 * 1024 * 1024),
      } as unknown as SchemaSnapshot),
    ).rejects.toMatchObject({ code: 'VALIDATION' });

    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let level = 0; level < 5_000; level++) at = at.next = {} as Record<string, unknown>;
    await expect(
      ctx.storage.saveChart({
        id: 'deep',
        name: 'n',
        chartType: 'bar',
        xAxis: 'x',
        yAxis: [],
        createdAt: new Date(),
        deep,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });

    expect(await ctx.storage.getConnections()).toEqual([]);
    expect(await ctx.storage.getHistory()).toEqual([]);
    expect(await ctx.storage.getSchemaSnapshots()).toEqual([]);
    expect(await ctx.storage.getSavedCharts()).toEqual([]);
  });
});
