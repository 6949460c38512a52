// Test support for the transfer specs: the same three profiles, each with data of their own.
import type { Preferences } from '../repositories/preferences.ts';
import type { PlatformStorage } from '../storage.ts';

export const entry = (id: string, second: number) => ({
  id,
  connectionId: 'c1',
  query: `select '${id}'`,
  executionTime: 1.5,
  status: 'success' as const,
  executedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)),
});

export const saved = (id: string) => ({
  id,
  name: id,
  query: 'select 1',
  connectionType: 'postgres' as const,
  tags: ['report'],
  createdAt: new Date(),
  updatedAt: new Date(),
});

export interface SeedOptions {
  /** Two admin history entries of the same instant, whose order must survive a round trip. */
  ties?: boolean;
  adminPreferences?: Preferences;
  adaPreferences?: Preferences;
}

/** The default admin, ada (user) and bob (viewer), each with some data of their own. */
export async function seedProfiles(s: PlatformStorage, options: SeedOptions = {}) {
  await s.addToHistory(entry('admin-h', 1));
  if (options.ties) {
    await s.addToHistory(entry('admin-h-tie-1', 5));
    await s.addToHistory(entry('admin-h-tie-2', 5));
  }
  await s.saveQuery(saved('admin-s'));
  await s.saveConnection({
    id: 'admin-c',
    name: 'Prod',
    type: 'postgres',
    host: 'db.example.com',
    password: 'hunter2-secret',
    createdAt: new Date('2024-05-01T12:00:00Z'),
  });
  await s.preferences.patch(options.adminPreferences ?? { theme: 'dark' });
  const ada = await s.users.create({ username: 'ada', email: 'ada@example.com', role: 'user' });
  const bob = await s.users.create({ username: 'bob', role: 'viewer' });
  await s.switchUser(ada.id);
  await s.addToHistory(entry('ada-h', 2));
  await s.saveQuery(saved('ada-s'));
  await s.saveConnection({
    id: 'ada-c',
    name: 'Shop',
    type: 'postgres',
    connectionString: 'postgres://ada:inline-secret@db.example.com:5432/shop',
    createdAt: new Date('2024-06-01T12:00:00Z'),
  });
  if (options.adaPreferences) await s.preferences.patch(options.adaPreferences);
  await s.switchUser(bob.id);
  await s.addToHistory(entry('bob-h', 3));
  await s.switchUser('local-admin');
  return { ada, bob };
}

/** Text the studio can hold and Postgres `text` cannot: U+0000, lone surrogates (and a pair). */
export const ODD = 'nul\u0000 high\ud800 low\udc00 pair\ud83d\ude00';

/** Every secret `studioConnection` carries: none may reach an export. */
export const STUDIO_SECRETS = [
  'tiger-secret',
  'ssl-key-secret',
  'ssh-pw-secret',
  'ssh-key-secret',
  'ssh-phrase-secret',
  'agent-secret',
  'cs-secret',
];

/** A connection as a newer studio saves one: every field it knows of, and one it does not. */
export const studioConnection = {
  id: 'studio-c',
  name: `Warehouse ${ODD}`,
  type: 'oracle',
  host: 'ora.example.com',
  // The studio's empty port field: NaN, which JSON writes as null.
  port: null,
  user: 'scott',
  password: 'tiger-secret',
  database: 'ORCL',
  connectionString: 'oracle://scott:cs-secret@ora.example.com:1521/ORCL',
  createdAt: new Date('2025-03-01T08:00:00Z'),
  environment: 'production',
  color: '#e11d48',
  group: 'Finance',
  ssl: {
    mode: 'verify-full',
    caCert: 'CA PEM',
    clientCert: 'CERT PEM',
    clientKey: 'ssl-key-secret',
    rejectUnauthorized: true,
  },
  sshTunnel: {
    enabled: true,
    host: 'bastion.example.com',
    port: 22,
    username: 'ops',
    authMethod: 'privateKey',
    password: 'ssh-pw-secret',
    privateKey: 'ssh-key-secret',
    passphrase: 'ssh-phrase-secret',
  },
  serviceName: 'ORCLPDB1',
  managed: true,
  agentUser: 'agent',
  agentPassword: 'agent-secret',
  fromANewerStudio: { nested: [1, 'two', null], note: ODD },
} as const;

const at = (iso: string) => new Date(iso);

/**
 * Everything the studio stores, for the current profile: open records (unknown fields, explicit
 * nulls, duplicate tags, an empty query, a bigint row count, text Postgres cannot hold) and
 * every kind of studio document, lists with an id twice.
 */
export async function seedStudio(s: PlatformStorage, label = 'admin') {
  await s.saveConnection({ ...studioConnection, id: `${label}-studio-c` });
  await s.saveConnection({
    id: `${label}-seeded-c`,
    name: 'Seeded',
    type: 'postgres',
    seedId: `${label}-seed`,
    createdAt: at('2025-03-02T08:00:00Z'),
  });
  await s.deleteConnection(`${label}-seeded-c`);
  await s.saveConnection({
    id: `${label}-demo-c`,
    name: 'Demo',
    type: 'demo',
    isDemo: true,
    createdAt: at('2025-03-03T08:00:00Z'),
  });

  await s.saveQuery({
    id: `${label}-studio-s`,
    name: ODD,
    query: `select '${ODD}'`,
    description: ODD,
    connectionType: 'clickhouse',
    tags: ['b', 'a', 'b', '', ODD],
    createdAt: at('2025-04-01T00:00:00Z'),
    updatedAt: at('2025-04-01T00:00:00Z'),
    pinned: true,
    folder: { name: ODD },
  });
  await s.saveQuery({
    id: `${label}-untagged-s`,
    name: 'No tags',
    query: '',
    connectionType: 'postgres',
    createdAt: at('2025-04-02T00:00:00Z'),
    updatedAt: at('2025-04-02T00:00:00Z'),
  });

  await s.addToHistory({
    id: `${label}-studio-h`,
    connectionId: `${label}-studio-c`,
    tabName: ODD,
    query: '',
    executionTime: Number.NaN,
    status: 'error',
    executedAt: at('2026-02-01T00:00:00Z'),
    rowCount: 2 ** 40,
    errorMessage: ODD,
    plan: { node: 'Seq Scan', cost: [0, 1.5] },
  });
  await s.addToHistory({
    id: `${label}-null-h`,
    connectionId: `${label}-studio-c`,
    query: 'select 1',
    executionTime: 2,
    status: 'success',
    executedAt: at('2026-02-01T00:00:01Z'),
    rowCount: null,
  } as never);

  const snapshot = (id: string, name: string) => ({
    id,
    connectionId: `${label}-studio-c`,
    connectionName: ODD,
    databaseType: 'oracle',
    schema: [
      {
        name,
        columns: [{ name: 'id', type: 'number', nullable: false, isPrimary: true }],
        indexes: [{ name: `${name}_pk`, columns: ['id'], unique: true }],
      },
    ],
    createdAt: new Date(),
    label: ODD,
  });
  await s.saveSchemaSnapshot(snapshot('snap-1', 'ORDERS'));
  await s.saveSchemaSnapshot(snapshot('snap-2', 'ITEMS'));
  // The studio's lists allow an id twice: the second is kept under `snap-1#2`.
  await s.saveSchemaSnapshot(snapshot('snap-1', 'AGAIN'));

  const chart = (id: string, name: string) => ({
    id,
    name,
    chartType: 'bar',
    xAxis: 'month',
    yAxis: ['total', ODD],
    query: 'select 1',
    createdAt: new Date(),
    aggregation: 'sum' as const,
  });
  await s.saveChart(chart('chart-b', `B ${ODD}`));
  await s.saveChart(chart('chart-a', 'A'));

  const event = (id: string, action: string) => ({
    id,
    timestamp: '2026-02-01T00:00:00.000Z',
    type: 'query',
    action,
    target: ODD,
    user: label,
    result: 'success' as const,
    duration: 3,
  });
  await s.saveAuditLog([event('e-3', 'run'), event('e-1', 'export'), event('e-3', 'again')]);

  await s.saveMaskingConfig({
    enabled: true,
    patterns: [
      {
        id: 'email',
        name: ODD,
        columnPatterns: ['^e?mail$'],
        maskType: 'email',
        enabled: true,
        isBuiltin: true,
      },
    ],
    roleSettings: {
      admin: { canToggle: true, canReveal: true },
      user: { canToggle: false, canReveal: false },
    },
  });
  await s.saveThresholdConfig([
    { metric: 'cpu', warning: 70, critical: 90, direction: 'above', label: ODD },
  ]);
  await s.setActiveConnectionId(`${label}-studio-c`);
  await s.saveWorkspaceTabs(`${label}-studio-c`, {
    activeTabId: 't2',
    tabs: [
      { id: 't1', name: ODD, query: `select '${ODD}'`, type: 'sql' },
      { id: 't2', name: 'Two', query: '', type: 'sql', pinned: true },
    ],
  });
  // A connection id is any text the studio made, and keys a workspace.
  await s.saveWorkspaceTabs(`${label}-${ODD}`, {
    activeTabId: 't1',
    tabs: [{ id: 't1', name: ODD, query: ODD, type: 'sql' }],
  });
  await s.saveWorkspaceTabs(null, {
    activeTabId: 't1',
    tabs: [{ id: 't1', name: 'Default', query: 'select 2', type: 'sql' }],
  });
}

/** Everything the studio reads back for the current profile (connections with the secrets here). */
export async function studioView(s: PlatformStorage, connectionKeys: (string | null)[]) {
  const workspace: Record<string, unknown> = {};
  for (const key of connectionKeys) workspace[String(key)] = await s.getWorkspaceTabs(key);
  return {
    connections: await s.getConnections(),
    history: await s.getHistory(),
    savedQueries: await s.getSavedQueries(),
    snapshots: await s.getSchemaSnapshots(),
    charts: await s.getSavedCharts(),
    audit: await s.getAuditLog(),
    masking: await s.getMaskingConfig(),
    thresholds: await s.getThresholdConfig(),
    active: await s.getActiveConnectionId(),
    dismissed: await s.getDismissedSeeds(),
    workspace,
  };
}
