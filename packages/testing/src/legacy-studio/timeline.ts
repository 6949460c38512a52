/**
 * When the studio's storage behaviour changed, as dates, so each generated value can take the
 * shape the code live at its own timestamp would have written. A real browser keeps values from
 * every build it ran: a connection saved in January keeps January's fields after an upgrade.
 *
 * Dates are the commit times (UTC) of the changes in libredb/libredb-studio; the commit is named
 * beside each. Key names follow src/lib/storage.ts @ v0.7.0 and @ e05005b2, and
 * src/lib/storage/local-storage.ts, src/hooks/use-tab-manager.ts,
 * src/components/theme-provider.tsx, src/components/QueryEditor.tsx,
 * src/lib/community/star-prompt.ts and src/hooks/use-storage-sync.ts @ HEAD c144361f.
 */
import { type LegacyRng, localId, mathRandomConnectionId, mathRandomShortId } from './random.ts';
import type { LegacyGeneration, StudioDatabaseType } from './types.ts';

const utc = (iso: string): Date => new Date(iso);

export const STUDIO_DATES = {
  /** a8c4e3db: first release (v0.5.6); the three `orchids_db_*` keys. */
  initialCommit: utc('2025-12-23T23:37:55Z'),
  /** 4d9264ee: the server-provided demo connection, re-saved on every page load. */
  demoConnection: utc('2025-12-25T09:01:05Z'),
  /** e2a29e9b / 47f7c061 / 7f69b803: MongoDB URI mode, environment + colour, SSL and SSH tunnel. */
  connectionFormV2: utc('2026-02-12T12:42:24Z'),
  /** bb4fb8fc: `libredb_masking_config`. */
  maskingConfig: utc('2026-02-12T18:07:34Z'),
  /** 33f05446: `libredb_schema_snapshots`, `libredb_saved_charts` (written by DataCharts itself). */
  snapshotsAndCharts: utc('2026-02-12T20:03:24Z'),
  /** e7457c65: `libredb_active_connection_id`. */
  activeConnectionId: utc('2026-02-12T21:03:03Z'),
  /** 3b14000e: Oracle (`serviceName`) and SQL Server (`instanceName`). */
  oracleAndMssql: utc('2026-02-13T11:02:16Z'),
  /** 4d7b3923: `libredb_threshold_config` (and the never-called `libredb_audit_log` writer). */
  thresholds: utc('2026-02-13T22:44:18Z'),
  /** 70bf6a25: the line-numbers toggle (`editor-line-numbers`) reaches main, after v0.7.0. */
  lineNumbers: utc('2026-03-02T20:16:50Z'),
  /** e05005b2: the three collection keys renamed to `libredb_*`, with no migration. */
  keyRename: utc('2026-03-03T17:01:36Z'),
  /** 0905fbde: the storage facade; charts go through `storage.saveChart` and get `createdAt`. */
  storageFacade: utc('2026-03-03T20:51:06Z'),
  /** 549b6d64: open tabs persisted per connection (`libredb_workspace_tabs_v1:<id>`). */
  workspaceTabs: utc('2026-03-09T00:38:07Z'),
  /** 78d63ec0: seed (managed) connections merged in; editable copies saved with `seedId`. */
  seedConnections: utc('2026-03-25T16:08:31Z'),
  /** 27d3e3aa / ea384f43: the demo connection and the `demo` type are removed. */
  demoRemoved: utc('2026-03-25T17:09:28Z'),
  /** 1210057f: the first tab starts empty instead of with a comment. */
  emptyDefaultTab: utc('2026-03-25T18:01:47Z'),
  /** af061f93: the LibreDB embedded engine. */
  libredbEngine: utc('2026-06-25T12:18:26Z'),
  /** a4194a67: `libredb_dismissed_seeds` and the LibreDB sample seed. */
  dismissedSeeds: utc('2026-06-26T17:35:28Z'),
  /** bc7fc8fb: the SQLite employees sample seed. */
  sqliteSample: utc('2026-07-14T02:39:32Z'),
  /** bbec885e: SQLite offered in the connection form. */
  sqliteInForm: utc('2026-07-30T23:10:33Z'),
  /** 5135a9c6 */
  couchbase: utc('2026-08-03T05:35:19Z'),
  /** 626c6ff3 */
  clickhouse: utc('2026-08-03T14:15:33Z'),
  /** ffb3b4c6 */
  druid: utc('2026-08-04T05:45:52Z'),
  /** 8f763126: `agentUser` / `agentPassword` in the type (no form writes them). */
  agentProfile: utc('2026-08-10T22:54:56Z'),
  /** 25f5b4fe: the form writes only the fields an engine takes and preserves seed/agent fields. */
  connectionFormV3: utc('2026-08-12T09:42:09Z'),
  /** 7af4be6f: the star-prompt counters. */
  starPrompt: utc('2026-08-14T10:37:58Z'),
  /** 77ee06d5: the light theme (`libredb-theme`, written by next-themes). */
  theme: utc('2026-08-16T11:37:16Z'),
  /** aa62ab09: `newLocalId()` replaces the `Math.random` ids. */
  newLocalId: utc('2026-08-18T10:23:32Z'),
  /** 25712e68 */
  elasticAndOpenSearch: utc('2026-08-19T13:54:15Z'),
  /** 5378636e */
  trino: utc('2026-08-20T07:55:55Z'),
  /** 4c7278cf: Cassandra (`localDataCenter`). */
  cassandra: utc('2026-08-21T08:47:59Z'),
  /** c144361f: the mirrored HEAD. */
  head: utc('2026-08-22T11:26:39Z'),
} as const;

/** When a type first appeared in the connection form (sqlite: in the type long before the form). */
export const TYPE_OFFERED_SINCE: Record<StudioDatabaseType, Date> = {
  postgres: STUDIO_DATES.initialCommit,
  mysql: STUDIO_DATES.initialCommit,
  mongodb: STUDIO_DATES.initialCommit,
  redis: STUDIO_DATES.initialCommit,
  demo: STUDIO_DATES.initialCommit,
  oracle: STUDIO_DATES.oracleAndMssql,
  mssql: STUDIO_DATES.oracleAndMssql,
  libredb: STUDIO_DATES.libredbEngine,
  sqlite: STUDIO_DATES.sqliteInForm,
  couchbase: STUDIO_DATES.couchbase,
  clickhouse: STUDIO_DATES.clickhouse,
  druid: STUDIO_DATES.druid,
  elasticsearch: STUDIO_DATES.elasticAndOpenSearch,
  opensearch: STUDIO_DATES.elasticAndOpenSearch,
  trino: STUDIO_DATES.trino,
  cassandra: STUDIO_DATES.cassandra,
};

/** The fifteen types of src/lib/types.ts @ HEAD, in its order. */
export const DATABASE_TYPES_TODAY = [
  'postgres',
  'mysql',
  'sqlite',
  'mongodb',
  'redis',
  'oracle',
  'mssql',
  'libredb',
  'couchbase',
  'clickhouse',
  'druid',
  'elasticsearch',
  'opensearch',
  'cassandra',
  'trino',
] as const satisfies readonly StudioDatabaseType[];

/** Every type a stored connection can carry: today's fifteen and `demo`. */
export const ALL_STUDIO_TYPES: readonly StudioDatabaseType[] = [...DATABASE_TYPES_TODAY, 'demo'];

/** Whether the form offered `type` at `at` (`demo` until its removal). */
export function typeOfferedAt(type: StudioDatabaseType, at: Date): boolean {
  if (type === 'demo' && at >= STUDIO_DATES.demoRemoved) return false;
  return at >= TYPE_OFFERED_SINCE[type];
}

/**
 * The three revisions of the code that builds a connection from the form:
 * - `v0.5.6`: ConnectionModal @ v0.5.6: nine fields, nothing optional.
 * - `v0.7.0`: use-connection-form @ v0.7.0 (unchanged until 2026-08-12 but for new types):
 *   environment, colour, SSL, SSH tunnel, URI mode, and host/port/user/password for every type.
 * - `head`: use-connection-form @ HEAD: only the fields the engine takes, preserved
 *   `group`/`managed`/`seedId`/`agentUser`/`agentPassword` first, `localDataCenter`.
 */
export type ConnectionFormRevision = 'v0.5.6' | 'v0.7.0' | 'head';

export function connectionFormAt(at: Date): ConnectionFormRevision {
  if (at < STUDIO_DATES.connectionFormV2) return 'v0.5.6';
  if (at < STUDIO_DATES.connectionFormV3) return 'v0.7.0';
  return 'head';
}

/** The id a history row, saved query or tab got at `at`. */
export function shortIdAt(rng: LegacyRng, at: Date): string {
  return at < STUDIO_DATES.newLocalId ? mathRandomShortId(rng) : localId(rng);
}

/** The id a connection made in the form got at `at`. */
export function connectionIdAt(rng: LegacyRng, at: Date): string {
  return at < STUDIO_DATES.newLocalId ? mathRandomConnectionId(rng) : localId(rng);
}

/** The key names of one generation. Only these three were renamed; the rest are shared. */
export const COLLECTION_KEYS: Record<
  LegacyGeneration,
  { connections: string; history: string; savedQueries: string }
> = {
  orchids: {
    connections: 'orchids_db_connections',
    history: 'orchids_db_history',
    savedQueries: 'orchids_db_saved',
  },
  libredb: {
    connections: 'libredb_connections',
    history: 'libredb_history',
    savedQueries: 'libredb_saved_queries',
  },
};

/** Keys both generations write under the same name: the rename left them alone. */
export const SHARED_KEYS = {
  schemaSnapshots: 'libredb_schema_snapshots',
  savedCharts: 'libredb_saved_charts',
  activeConnectionId: 'libredb_active_connection_id',
  maskingConfig: 'libredb_masking_config',
  thresholdConfig: 'libredb_threshold_config',
  auditLog: 'libredb_audit_log',
  lineNumbers: 'editor-line-numbers',
} as const;

/** Keys only libredb-era builds write. */
export const LIBREDB_ONLY_KEYS = {
  dismissedSeeds: 'libredb_dismissed_seeds',
  theme: 'libredb-theme',
  starPromptCount: 'libredb_star_prompt_query_count',
  starPromptHandled: 'libredb_star_prompt_handled',
  serverMigrated: 'libredb_server_migrated',
} as const;

export const WORKSPACE_TABS_PREFIX = 'libredb_workspace_tabs_v1';

/** `libredb_workspace_tabs_v1:<connection id>`, or `:default` while no connection is active. */
export function workspaceTabsKey(connectionId: string | null | undefined): string {
  return `${WORKSPACE_TABS_PREFIX}:${connectionId ?? 'default'}`;
}

/**
 * Keys whose value is a plain string rather than JSON: `setItem(key, id)`, next-themes' value,
 * `String(boolean)`, `String(count)`, `"1"` and an ISO timestamp. Reading them with JSON.parse
 * fails for most values (an id, `light`), so a reader must know them.
 */
export const RAW_STRING_KEYS: readonly string[] = [
  SHARED_KEYS.activeConnectionId,
  SHARED_KEYS.lineNumbers,
  LIBREDB_ONLY_KEYS.theme,
  LIBREDB_ONLY_KEYS.starPromptCount,
  LIBREDB_ONLY_KEYS.starPromptHandled,
  LIBREDB_ONLY_KEYS.serverMigrated,
];

export function isRawStringKey(key: string): boolean {
  return RAW_STRING_KEYS.includes(key);
}
