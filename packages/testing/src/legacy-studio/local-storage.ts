/**
 * Whole browsers: the `localStorage` a studio user ends up with, produced by replaying their use
 * through the studio's own storage rules rather than by writing final values directly.
 *
 * Replaying is what makes the data real. Each write follows the code live at its moment:
 * `saveConnection` replaces in place or appends (src/lib/storage.ts @ v0.7.0,
 * src/lib/storage/storage-facade.ts @ HEAD c144361f), `addToHistory` prepends and keeps 500,
 * snapshots keep the last 50, the demo connection is re-saved with a fresh `createdAt` on every
 * page load (src/hooks/use-connection-manager.ts @ v0.7.0), seed copies are saved once and a
 * deleted one is remembered in `libredb_dismissed_seeds` (use-connection-manager.ts @ HEAD),
 * the active id follows the last connection used. So the demo's `createdAt` is the last page
 * load, a 1970 sample sits between user connections, the active id may name a connection that
 * is not stored, and shared keys carry both generations' shapes.
 *
 * Values are written with JSON.stringify, as the studio writes them; raw-string keys
 * (`isRawStringKey`) are set as plain strings.
 */
import { legacyAuditEvent } from './audit.ts';
import { legacySavedChart } from './charts.ts';
import {
  editLegacyConnection,
  type LegacyConnectionOptions,
  legacyConnection,
  legacyDemoConnection,
  legacySeedConnection,
  seedMongoUri,
} from './connections.ts';
import { legacyHistoryItem } from './history.ts';
import { createLegacyRng, type LegacyRng } from './random.ts';
import { legacySavedQuery } from './saved-queries.ts';
import { mintSecret } from './secrets.ts';
import { legacyMaskingConfig, legacyThresholdConfig, legacyWorkspaceTabs } from './settings.ts';
import { legacySchemaSnapshot } from './snapshots.ts';
import {
  COLLECTION_KEYS,
  LIBREDB_ONLY_KEYS,
  SHARED_KEYS,
  STUDIO_DATES,
  typeOfferedAt,
  workspaceTabsKey,
} from './timeline.ts';
import type { LegacyGeneration, StudioConnection, StudioDatabaseType } from './types.ts';

const MAX_HISTORY = 500;
const MAX_SNAPSHOTS = 50;
const MAX_AUDIT = 1_000;
const DAY = 24 * 3600_000;

/** Which keys a generated browser holds, beyond the collections sized by counts. */
export interface LegacyKeyInclusion {
  /** The server demo connection (and, for orchids, its mock predecessor). Default true. */
  demo?: boolean;
  /** Seed connections (libredb): copies, a managed seed used but not stored. Default true. */
  seeds?: boolean;
  /** `libredb_dismissed_seeds`: the user deletes the LibreDB sample copy. Default true (libredb). */
  dismissedSeeds?: boolean;
  maskingConfig?: boolean;
  thresholdConfig?: boolean;
  activeConnectionId?: boolean;
  /**
   * `editor-line-numbers`. Default true for libredb; false for orchids, because only untagged
   * main builds from 2026-03-02 20:16Z to the rename (17 h later) wrote it with orchids keys.
   */
  lineNumbers?: boolean;
  /** `libredb-theme` (libredb, after the toggle is used). Default true. */
  theme?: boolean;
  /** `libredb_workspace_tabs_v1:*` (libredb). Default true. */
  workspaceTabs?: boolean;
  /** `libredb_star_prompt_*` (libredb): unrelated `libredb_` keys a reader must skip. Default true. */
  starPrompt?: boolean;
  /** `libredb_server_migrated` (libredb, server storage mode only). Default false. */
  serverMigrationFlag?: boolean;
}

export interface LegacyLocalStorageOptions {
  generation: LegacyGeneration;
  seed?: number | string;
  /** Connections the user adds through the form, in order (default: enough for every type of the era). */
  connections?: number;
  /** Queries run (each adds a history row; 500 are kept). Default 620. */
  history?: number;
  /** History rows made to reuse an earlier row's id, all within the kept 500. Default 4. */
  duplicateHistoryIds?: number;
  savedQueries?: number;
  schemaSnapshots?: number;
  savedCharts?: number;
  /** Default 0: no browser code writes the audit log (see audit.ts). */
  auditEvents?: number;
  include?: LegacyKeyInclusion;
  /** What the active id ends on: a stored connection (default) or a managed seed (libredb). */
  activeConnection?: 'stored' | 'managed-seed';
  /** When the browser was used. Default: the whole era of the generation. */
  period?: { from: Date; to: Date };
}

export interface LegacyCounts {
  /** Stored connections (`managed: true` seeds are never stored). */
  connections: number;
  /** Stored history rows (at most 500). */
  history: number;
  /** Queries run, before the 500 cap. */
  historyRuns: number;
  /** History ids that occur more than once among the stored rows. */
  duplicateHistoryIds: number;
  savedQueries: number;
  schemaSnapshots: number;
  savedCharts: number;
  auditEvents: number;
  workspaces: number;
  dismissedSeeds: number;
}

export interface LegacyLocalStorage {
  generation: LegacyGeneration;
  /** Exactly what `localStorage` holds: key → the string `getItem` returns. */
  entries: Record<string, string>;
  /** Every secret string written anywhere in `entries`, once each. */
  secrets: string[];
  counts: LegacyCounts;
}

export interface BothGenerations {
  entries: Record<string, string>;
  secrets: string[];
  /** Counts of each era's own writes; shared keys hold both eras' items. */
  counts: { orchids: LegacyCounts; libredb: LegacyCounts };
  /** Ids present under both generations' keys, with different content. */
  overlap: { connectionIds: string[]; historyIds: string[]; savedQueryIds: string[] };
}

/** The default era of each generation. */
export const GENERATION_PERIODS: Record<LegacyGeneration, { from: Date; to: Date }> = {
  orchids: { from: new Date('2025-12-26T09:00:00Z'), to: new Date('2026-03-03T12:00:00Z') },
  libredb: { from: new Date('2026-03-04T08:00:00Z'), to: new Date('2026-08-22T08:00:00Z') },
};

type Json = unknown;
type StoredConnection = Record<string, Json> & { id: string; type: StudioDatabaseType };

/** A `localStorage` replica holding parsed JSON until the end, to avoid re-parsing 500 rows per run. */
class Browser {
  private readonly raw = new Map<string, string>();
  private readonly json = new Map<string, Json>();
  private readonly order: string[] = [];

  private touch(key: string): void {
    if (!this.raw.has(key) && !this.json.has(key)) this.order.push(key);
  }
  setRaw(key: string, value: string): void {
    this.touch(key);
    this.json.delete(key);
    this.raw.set(key, value);
  }
  getRaw(key: string): string | null {
    return this.raw.get(key) ?? null;
  }
  /** Stores what JSON.stringify then JSON.parse would give: Dates as strings, NaN as null. */
  setJson(key: string, value: Json): void {
    this.touch(key);
    this.raw.delete(key);
    this.json.set(key, value);
  }
  getJson(key: string): Json {
    return this.json.get(key) ?? null;
  }
  array<T>(key: string): T[] {
    const value = this.getJson(key);
    return Array.isArray(value) ? (value as T[]) : [];
  }
  entries(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of this.order) {
      const raw = this.raw.get(key);
      if (raw !== undefined) out[key] = raw;
      else if (this.json.has(key)) out[key] = JSON.stringify(this.json.get(key));
    }
    return out;
  }
}

/** A value as it comes back from storage: what `JSON.parse(JSON.stringify(value))` gives. */
function stored<T>(value: T): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** A stored connection with its `createdAt` revived, as `getConnections` returns it. */
function revived(connection: StoredConnection): StudioConnection {
  return {
    ...(connection as unknown as StudioConnection),
    createdAt: new Date(String(connection.createdAt)),
  };
}

interface PlannedConnection {
  at: string;
  options: Omit<LegacyConnectionOptions, 'createdAt'>;
}

const ORCHIDS_PLAN: PlannedConnection[] = [
  { at: '2025-12-26T10:15:00Z', options: { type: 'postgres' } },
  { at: '2025-12-29T14:02:00Z', options: { type: 'mysql', name: '   ' } },
  { at: '2026-01-05T08:30:00Z', options: { type: 'redis', emptyPort: true } },
  { at: '2026-01-14T16:45:00Z', options: { type: 'mongodb', emptyCredentials: true } },
  { at: '2026-01-20T11:11:00Z', options: { type: 'demo', name: '', previousPort: '27017' } },
  {
    at: '2026-02-13T09:00:00Z',
    options: { type: 'mongodb', connectionStringOnly: true, environment: 'development' },
  },
  {
    at: '2026-02-14T10:30:00Z',
    options: {
      type: 'postgres',
      name: 'Payroll — prod 🔒',
      withSsl: true,
      environment: 'production',
    },
  },
  {
    at: '2026-02-16T13:20:00Z',
    options: { type: 'oracle', withSshTunnel: 'privateKey', environment: 'staging' },
  },
  {
    at: '2026-02-20T15:40:00Z',
    options: { type: 'mssql', withSshTunnel: 'password', environment: 'production' },
  },
  {
    at: '2026-02-25T09:05:00Z',
    options: { type: 'mysql', name: '', withSsl: 'require', environment: 'other' },
  },
];

const LIBREDB_PLAN: PlannedConnection[] = [
  { at: '2026-03-04T09:30:00Z', options: { type: 'postgres' } },
  { at: '2026-03-06T10:00:00Z', options: { type: 'mysql', name: '   ', environment: 'staging' } },
  { at: '2026-03-10T12:00:00Z', options: { type: 'mongodb', connectionStringOnly: true } },
  { at: '2026-03-12T08:00:00Z', options: { type: 'redis' } },
  { at: '2026-03-15T13:00:00Z', options: { type: 'demo', name: '', previousPort: '6379' } },
  {
    at: '2026-03-20T09:00:00Z',
    options: { type: 'oracle', withSsl: 'verify-ca', environment: 'production' },
  },
  { at: '2026-04-02T10:00:00Z', options: { type: 'mssql', withSshTunnel: 'password' } },
  {
    at: '2026-05-10T10:00:00Z',
    options: {
      type: 'postgres',
      name: 'Payroll — prod 🔒',
      withSsl: true,
      withSshTunnel: 'privateKey',
      environment: 'production',
    },
  },
  { at: '2026-07-01T10:00:00Z', options: { type: 'libredb' } },
  { at: '2026-08-01T10:00:00Z', options: { type: 'sqlite', previousPort: '3306' } },
  { at: '2026-08-05T10:00:00Z', options: { type: 'couchbase' } },
  { at: '2026-08-06T10:00:00Z', options: { type: 'clickhouse', connectionStringOnly: true } },
  { at: '2026-08-07T10:00:00Z', options: { type: 'druid', emptyCredentials: true } },
  {
    at: '2026-08-13T10:00:00Z',
    options: { type: 'postgres', agentProfile: true, group: 'Agents' },
  },
  { at: '2026-08-19T15:00:00Z', options: { type: 'elasticsearch' } },
  { at: '2026-08-19T16:00:00Z', options: { type: 'opensearch', withSsl: 'require' } },
  { at: '2026-08-20T09:00:00Z', options: { type: 'trino', emptyPort: true } },
  { at: '2026-08-21T10:00:00Z', options: { type: 'cassandra', emptyCredentials: true } },
  { at: '2026-08-21T12:00:00Z', options: { type: 'mysql', name: '' } },
];

interface Event {
  at: Date;
  order: number;
  run: () => void;
}

interface ReplayInput {
  generation: LegacyGeneration;
  options: LegacyLocalStorageOptions;
  rng: LegacyRng;
  browser: Browser;
  /** DEMO_DB_PASSWORD of the server: one value for every refresh. */
  demoPassword: string;
  /** Ids an earlier generation used, to make a few runs and one saved query reuse them. */
  reuse?: { historyIds: string[]; savedQueryIds: string[] };
}

function replay(input: ReplayInput): LegacyCounts {
  const { generation, options, rng, browser, demoPassword } = input;
  const keys = COLLECTION_KEYS[generation];
  const libredb = generation === 'libredb';
  const period = options.period ?? GENERATION_PERIODS[generation];
  if (generation === 'orchids' && period.to > STUDIO_DATES.keyRename) {
    throw new Error('orchids builds ran only until the key rename of 2026-03-03T17:01:36Z');
  }
  if (libredb && period.from < STUDIO_DATES.keyRename) {
    throw new Error('libredb keys exist only from 2026-03-03T17:01:36Z');
  }
  const include = options.include ?? {};
  const want = (flag: boolean | undefined, fallback: boolean): boolean => flag ?? fallback;
  const demoOn = want(include.demo, true);
  const seedsOn = libredb && want(include.seeds, true);
  const randomTime = (from = period.from): Date =>
    new Date(from.getTime() + Math.floor(rng.float() * (period.to.getTime() - from.getTime())));

  const events: Event[] = [];
  let order = 0;
  const schedule = (at: Date, run: () => void): void => {
    if (at >= period.from && at <= period.to) events.push({ at, order: order++, run });
  };

  let now = period.from;
  let activeId: string | null = browser.getRaw(SHARED_KEYS.activeConnectionId);
  let activeType: StudioDatabaseType | null = null;
  const served: StudioConnection[] = [];
  const lastUsed = new Map<string, { at: Date; type: StudioDatabaseType }>();

  const connections = (): StoredConnection[] => browser.array<StoredConnection>(keys.connections);
  const saveConnection = (connection: StudioConnection): void => {
    const list = connections();
    const value = stored(connection) as StoredConnection;
    const index = list.findIndex((c) => c.id === connection.id);
    if (index > -1) list[index] = value;
    else list.push(value);
    browser.setJson(keys.connections, list);
  };
  const setActive = (connection: Pick<StudioConnection, 'id' | 'type'>): void => {
    activeId = connection.id;
    activeType = connection.type;
    if (now >= STUDIO_DATES.activeConnectionId && want(include.activeConnectionId, true)) {
      browser.setRaw(SHARED_KEYS.activeConnectionId, connection.id);
    }
  };
  const runTargets = (): StudioConnection[] => [
    ...connections().map(revived),
    ...served.filter((c) => c.managed === true),
  ];

  // ── Page loads: demo refresh, seed merge, active connection restored ──
  const dismissed = (): string[] => browser.array<string>(LIBREDB_ONLY_KEYS.dismissedSeeds);
  const seedPassword = seedsOn ? mintSecret(rng, 'password') : '';
  const seedUri = seedsOn ? seedMongoUri(rng) : '';
  let lineNumbers = 'true';
  const pageLoad = (): void => {
    if (demoOn && now >= STUDIO_DATES.demoConnection && now < STUDIO_DATES.demoRemoved) {
      const mock = generation === 'orchids' && now < new Date('2026-01-10T00:00:00Z');
      const demo = legacyDemoConnection(rng, {
        variant: mock ? 'mock' : 'server',
        createdAt: now,
        password: demoPassword,
      });
      const existing = connections().find(
        (c) => c.id === demo.id || (c.isDemo === true && c.type === 'postgres'),
      );
      saveConnection(existing ? { ...demo, id: existing.id } : demo);
    }
    if (seedsOn && now >= STUDIO_DATES.seedConnections) {
      served.length = 0;
      served.push(
        legacySeedConnection(rng, { seed: 'config', servedAt: now, password: seedPassword }),
      );
      served.push(
        legacySeedConnection(rng, {
          seed: 'config',
          uriOnly: true,
          connectionString: seedUri,
          servedAt: now,
        }),
      );
      served.push(legacySeedConnection(rng, { seed: 'config', managed: true, servedAt: now }));
      if (now >= STUDIO_DATES.sqliteSample)
        served.push(legacySeedConnection(rng, { seed: 'sqlite-sample' }));
      if (now >= STUDIO_DATES.dismissedSeeds)
        served.push(legacySeedConnection(rng, { seed: 'libredb-sample' }));
      const gone = new Set(dismissed());
      for (const seed of served) {
        if (seed.managed || (seed.seedId && gone.has(seed.seedId))) continue;
        if (!connections().some((c) => c.seedId === seed.seedId)) saveConnection(seed);
      }
    }
    // The list the UI shows: served seeds in their order (a managed one itself, an editable one
    // as its stored copy), then the user's own; the first of it is selected when nothing is.
    const own = connections().map(revived);
    const merged: StudioConnection[] = [];
    for (const seed of served) {
      const copy = seed.managed ? seed : own.find((c) => c.seedId === seed.seedId);
      if (copy) merged.push(copy);
    }
    merged.push(...own.filter((c) => !merged.some((m) => m.id === c.id)));
    const saved = merged.find((c) => c.id === activeId);
    const first = saved ?? merged[0];
    if (first) setActive(first);
    if (now >= STUDIO_DATES.lineNumbers && want(include.lineNumbers, libredb)) {
      browser.setRaw(SHARED_KEYS.lineNumbers, lineNumbers);
    }
    if (
      libredb &&
      want(include.workspaceTabs, true) &&
      now >= STUDIO_DATES.workspaceTabs &&
      browser.getJson(workspaceTabsKey(null)) === null
    ) {
      // Before the connections arrive the tab manager saves the lone default tab under `:default`.
      browser.setJson(
        workspaceTabsKey(null),
        stored(legacyWorkspaceTabs(rng, { connectionType: null, at: now, tabs: 1 })),
      );
    }
    if (
      libredb &&
      want(include.serverMigrationFlag, false) &&
      browser.getRaw(LIBREDB_ONLY_KEYS.serverMigrated) === null
    ) {
      browser.setRaw(LIBREDB_ONLY_KEYS.serverMigrated, now.toISOString());
    }
  };
  for (let t = period.from.getTime(); t <= period.to.getTime(); t += 7 * DAY) {
    schedule(new Date(t), pageLoad);
  }

  // ── Connections added through the form ──
  const plan = libredb ? LIBREDB_PLAN : ORCHIDS_PLAN;
  const wanted = options.connections ?? plan.length;
  const planned = plan
    .filter((p) => new Date(p.at) >= period.from && new Date(p.at) <= period.to)
    .slice(0, wanted);
  const extras: PlannedConnection[] = [];
  for (let i = planned.length; i < wanted; i++) {
    const at = randomTime();
    const offered = (
      [
        'postgres',
        'mysql',
        'mongodb',
        'redis',
        'oracle',
        'mssql',
        'sqlite',
        'libredb',
        'clickhouse',
      ] as const
    ).filter((t) => typeOfferedAt(t, at));
    extras.push({
      at: at.toISOString(),
      options: {
        type: rng.pick(offered),
        environment: rng.pick(['local', 'development', 'staging'] as const),
      },
    });
  }
  const added: StudioConnection[] = [];
  for (const item of [...planned, ...extras]) {
    schedule(new Date(item.at), () => {
      const connection = legacyConnection(rng, { ...item.options, createdAt: now });
      added.push(connection);
      saveConnection(connection);
      setActive(connection);
    });
  }

  // ── Edits and deletions ──
  const editAt = (
    at: string,
    pick: (list: StoredConnection[]) => StoredConnection | undefined,
    name?: string,
  ): void => {
    schedule(new Date(at), () => {
      const target = pick(connections());
      if (!target) return;
      saveConnection(
        editLegacyConnection(revived(target), {
          at: now,
          ...(name !== undefined ? { name } : {}),
          environment: 'development',
        }),
      );
    });
  };
  if (libredb) {
    editAt('2026-08-15T09:00:00Z', (list) => list.find((c) => c.type === 'redis'), 'Cache ✎');
    if (seedsOn)
      editAt('2026-08-16T09:00:00Z', (list) =>
        list.find((c) => c.seedId === 'sqlite-embedded-sample'),
      );
    if (seedsOn && want(include.dismissedSeeds, true)) {
      schedule(new Date('2026-07-02T09:00:00Z'), () => {
        const list = connections();
        const sample = list.find((c) => c.seedId === 'libredb-embedded-sample');
        if (!sample) return;
        const seedId = String(sample.seedId);
        if (now >= STUDIO_DATES.dismissedSeeds && !dismissed().includes(seedId)) {
          browser.setJson(LIBREDB_ONLY_KEYS.dismissedSeeds, [...dismissed(), seedId]);
        }
        browser.setJson(
          keys.connections,
          list.filter((c) => c.id !== sample.id),
        );
      });
    }
  } else {
    editAt('2026-02-18T09:00:00Z', (list) =>
      list.find((c) => c.type === 'postgres' && c.isDemo !== true && c.environment === undefined),
    );
  }

  // ── Queries run ──
  const runs = options.history ?? 620;
  const firstAdd = new Date(
    Math.min(...[...planned, ...extras].map((p) => new Date(p.at).getTime()), period.to.getTime()),
  );
  const runTimes = Array.from({ length: runs }, () =>
    randomTime(new Date(firstAdd.getTime() + 60_000)),
  ).sort((a, b) => a.getTime() - b.getTime());
  const runIds: string[] = [];
  const forced = new Map<number, number>();
  const kept = Math.min(runs, MAX_HISTORY);
  for (let k = 0; k < (options.duplicateHistoryIds ?? 4) && kept >= 2; k++) {
    const j = runs - 1 - rng.int(0, kept - 2);
    const i = rng.int(runs - kept, j - 1);
    if (!forced.has(j)) forced.set(j, i);
  }
  // Ids of an earlier generation, reused by a few kept runs from before `newLocalId` (same scheme).
  const reuseAt = new Map<number, string>();
  const reusable = [...(input.reuse?.historyIds ?? [])];
  for (let index = runs - 1; index >= runs - kept && reusable.length > 0; index -= 37) {
    const at = runTimes[index];
    const id = reusable[reusable.length - 1];
    if (
      at &&
      at < STUDIO_DATES.newLocalId &&
      !forced.has(index) &&
      id !== undefined &&
      reuseAt.size < 3
    ) {
      reuseAt.set(index, id);
      reusable.pop();
    }
  }
  let starCount = 0;
  let starHandled = false;
  runTimes.forEach((at, index) => {
    schedule(at, () => {
      const targets = runTargets();
      if (targets.length === 0) return;
      const current = targets.find((c) => c.id === activeId);
      const target = current && rng.chance(0.4) ? current : rng.pick(targets);
      const repeatOf = forced.get(index);
      const id = repeatOf !== undefined ? runIds[repeatOf] : reuseAt.get(index);
      const item = legacyHistoryItem(rng, {
        connection: target,
        executedAt: now,
        ...(id !== undefined ? { id } : {}),
      });
      runIds[index] = item.id;
      const history = browser.array<Json>(keys.history);
      history.unshift(stored(item));
      if (history.length > MAX_HISTORY) history.length = MAX_HISTORY;
      browser.setJson(keys.history, history);
      setActive(target);
      lastUsed.set(target.id, { at: now, type: target.type });
      if (
        libredb &&
        now >= STUDIO_DATES.starPrompt &&
        item.status === 'success' &&
        !starHandled &&
        want(include.starPrompt, true)
      ) {
        starCount += 1;
        browser.setRaw(LIBREDB_ONLY_KEYS.starPromptCount, String(starCount));
        if (starCount === 10) {
          starHandled = true;
          browser.setRaw(LIBREDB_ONLY_KEYS.starPromptHandled, '1');
        }
      }
    });
  });

  // ── Saved queries, snapshots, charts ──
  const reusedSaved = [...(input.reuse?.savedQueryIds ?? [])];
  const saves = options.savedQueries ?? 12;
  for (let i = 0; i < saves; i++) {
    schedule(randomTime(firstAdd), () => {
      if (activeType === null) return;
      const quirk = i % 6;
      const item = legacySavedQuery(rng, {
        connectionType: activeType,
        savedAt: now,
        ...(i === 0 && reusedSaved[0] !== undefined ? { id: reusedSaved[0] } : {}),
        ...(quirk === 1 ? { name: '   ' } : {}),
        ...(quirk === 2 ? { query: '' } : {}),
        ...(quirk === 3 ? { tagsInput: 'reports, monthly, reports , , ' } : {}),
      });
      const list = browser.array<Record<string, Json>>(keys.savedQueries);
      const index = list.findIndex((q) => q.id === item.id);
      if (index > -1) list[index] = stored({ ...item, updatedAt: now }) as Record<string, Json>;
      else list.push(stored({ ...item, createdAt: now, updatedAt: now }) as Record<string, Json>);
      browser.setJson(keys.savedQueries, list);
    });
  }
  const panelsFrom = new Date(
    Math.max(STUDIO_DATES.snapshotsAndCharts.getTime(), firstAdd.getTime()),
  );
  const snapshotCount = options.schemaSnapshots ?? 6;
  for (let i = 0; i < snapshotCount && panelsFrom < period.to; i++) {
    schedule(randomTime(panelsFrom), () => {
      const list = connections();
      const source = list.find((c) => c.id === activeId) ?? list[0];
      if (!source) return;
      const remote = i % 3 === 2;
      const target = remote ? rng.pick(list) : source;
      const snapshot = legacySchemaSnapshot(rng, {
        connection: revived(target),
        takenAt: now,
        remote,
        label: rng.pick(['', '  ', 'before migration', 'v2 — après la migration']),
      });
      const snapshots = browser.array<Json>(SHARED_KEYS.schemaSnapshots);
      snapshots.push(stored({ ...snapshot, createdAt: now }));
      browser.setJson(SHARED_KEYS.schemaSnapshots, snapshots.slice(-MAX_SNAPSHOTS));
    });
  }
  const chartCount = options.savedCharts ?? 5;
  for (let i = 0; i < chartCount && panelsFrom < period.to; i++) {
    schedule(randomTime(panelsFrom), () => {
      const chart = legacySavedChart(rng, {
        savedAt: now,
        ...(i === 0 ? { dateGrouping: null } : {}),
      });
      const charts = browser.array<Record<string, Json>>(SHARED_KEYS.savedCharts);
      const index = charts.findIndex((c) => c.id === chart.id);
      // DataCharts appended blindly before the facade; the facade replaces an existing id.
      if (index > -1 && now >= STUDIO_DATES.storageFacade)
        charts[index] = stored(chart) as Record<string, Json>;
      else charts.push(stored(chart) as Record<string, Json>);
      browser.setJson(SHARED_KEYS.savedCharts, charts);
    });
  }

  // ── Settings ──
  const settingsFrom = (since: Date): Date =>
    new Date(Math.max(since.getTime(), period.from.getTime()));
  if (want(include.maskingConfig, true) && settingsFrom(STUDIO_DATES.maskingConfig) < period.to) {
    schedule(randomTime(settingsFrom(STUDIO_DATES.maskingConfig)), () => {
      const config = legacyMaskingConfig(rng, {
        editedAt: now,
        disableBuiltins: libredb ? ['builtin-phone', 'builtin-ip'] : ['builtin-phone'],
        userCanReveal: libredb,
      });
      browser.setJson(SHARED_KEYS.maskingConfig, stored(config));
    });
  }
  if (want(include.thresholdConfig, true) && settingsFrom(STUDIO_DATES.thresholds) < period.to) {
    schedule(randomTime(settingsFrom(STUDIO_DATES.thresholds)), () => {
      browser.setJson(SHARED_KEYS.thresholdConfig, stored(legacyThresholdConfig(rng)));
    });
  }
  if (want(include.lineNumbers, libredb) && settingsFrom(STUDIO_DATES.lineNumbers) < period.to) {
    schedule(randomTime(settingsFrom(STUDIO_DATES.lineNumbers)), () => {
      lineNumbers = 'false';
      browser.setRaw(SHARED_KEYS.lineNumbers, lineNumbers);
    });
  }
  if (libredb && want(include.theme, true) && settingsFrom(STUDIO_DATES.theme) < period.to) {
    schedule(randomTime(settingsFrom(STUDIO_DATES.theme)), () =>
      browser.setRaw(LIBREDB_ONLY_KEYS.theme, 'light'),
    );
  }
  const auditCount = options.auditEvents ?? 0;
  if (auditCount > 0) {
    schedule(period.to, () => {
      const from = settingsFrom(STUDIO_DATES.thresholds).getTime();
      const times = Array.from(
        { length: auditCount },
        () => from + Math.floor(rng.float() * (period.to.getTime() - from)),
      ).sort((a, b) => a - b);
      const events = [
        ...browser.array<Json>(SHARED_KEYS.auditLog),
        ...times.map((t) => stored(legacyAuditEvent(rng, { at: new Date(t) }))),
      ];
      browser.setJson(SHARED_KEYS.auditLog, events.slice(-MAX_AUDIT));
    });
  }

  // ── The last thing the user did: pick the connection the active id ends on ──
  schedule(period.to, () => {
    if (options.activeConnection === 'managed-seed') {
      const managed = served.find((c) => c.managed);
      if (!managed)
        throw new Error('activeConnection "managed-seed" needs the libredb generation with seeds');
      setActive(managed);
      return;
    }
    const list = connections();
    const last = list[list.length - 1];
    if (last && !list.some((c) => c.id === activeId)) setActive(revived(last));
  });

  events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
  for (const event of events) {
    now = event.at;
    event.run();
  }

  // ── Open tabs of the connections used since tabs were persisted ──
  let workspaces = browser.getJson(workspaceTabsKey(null)) === null ? 0 : 1;
  if (libredb && want(include.workspaceTabs, true)) {
    const recent = [...lastUsed.entries()]
      .filter(([, use]) => use.at >= STUDIO_DATES.workspaceTabs)
      .sort((a, b) => b[1].at.getTime() - a[1].at.getTime())
      .slice(0, 6);
    for (const [id, use] of recent) {
      browser.setJson(
        workspaceTabsKey(id),
        stored(legacyWorkspaceTabs(rng, { connectionType: use.type, at: use.at })),
      );
      workspaces += 1;
    }
  }

  const history = browser.array<{ id: string }>(keys.history);
  const seen = new Map<string, number>();
  for (const row of history) seen.set(row.id, (seen.get(row.id) ?? 0) + 1);
  return {
    connections: connections().length,
    history: history.length,
    historyRuns: runs,
    duplicateHistoryIds: [...seen.values()].filter((n) => n > 1).length,
    savedQueries: browser.array(keys.savedQueries).length,
    schemaSnapshots: browser.array(SHARED_KEYS.schemaSnapshots).length,
    savedCharts: browser.array(SHARED_KEYS.savedCharts).length,
    auditEvents: browser.array(SHARED_KEYS.auditLog).length,
    workspaces,
    dismissedSeeds: dismissed().length,
  };
}

/** Keeps the recorded secrets that really made it into the entries (a replaced demo's old one, say). */
function writtenSecrets(rng: LegacyRng, entries: Record<string, string>): string[] {
  const text = Object.values(entries).join('\n');
  return rng.secrets.all.filter((secret) => text.includes(JSON.stringify(secret).slice(1, -1)));
}

/**
 * The `localStorage` of a browser that used one generation of the studio: every key that era's
 * code wrote, with the values its use would leave. Reproducible for a given `seed`.
 */
export function legacyLocalStorage(options: LegacyLocalStorageOptions): LegacyLocalStorage {
  const rng = createLegacyRng(options.seed ?? 1);
  const browser = new Browser();
  const demoPassword = mintSecret(rng, 'password');
  const counts = replay({ generation: options.generation, options, rng, browser, demoPassword });
  const entries = browser.entries();
  return { generation: options.generation, entries, secrets: writtenSecrets(rng, entries), counts };
}

export interface BothGenerationsOptions {
  seed?: number | string;
  orchids?: Omit<LegacyLocalStorageOptions, 'generation' | 'seed'>;
  libredb?: Omit<LegacyLocalStorageOptions, 'generation' | 'seed'>;
}

/**
 * A browser that ran an orchids-era build and then a libredb-era one. The rename had no
 * migration, so both key sets are there; the keys the rename left alone hold both eras' items.
 * The demo connection is in both collections with the same id and a newer `createdAt`, and a
 * few libredb-era history rows and one saved query reuse orchids-era ids with other content.
 */
export function bothGenerations(options: BothGenerationsOptions = {}): BothGenerations {
  const rng = createLegacyRng(options.seed ?? 1);
  const browser = new Browser();
  const demoPassword = mintSecret(rng, 'password');
  const orchids = replay({
    generation: 'orchids',
    options: { generation: 'orchids', ...options.orchids },
    rng,
    browser,
    demoPassword,
  });
  const ids = (key: string): string[] => browser.array<{ id: string }>(key).map((item) => item.id);
  const orchidsHistory = ids(COLLECTION_KEYS.orchids.history);
  const orchidsSaved = ids(COLLECTION_KEYS.orchids.savedQueries);
  const libredb = replay({
    generation: 'libredb',
    options: { generation: 'libredb', ...options.libredb },
    rng,
    browser,
    demoPassword,
    reuse: {
      historyIds: rng.shuffle(orchidsHistory).slice(0, 12),
      savedQueryIds: orchidsSaved.slice(0, 1),
    },
  });
  const entries = browser.entries();
  const both = (a: string, b: string): string[] => {
    const left = new Set(ids(a));
    return [...new Set(ids(b).filter((id) => left.has(id)))];
  };
  return {
    entries,
    secrets: writtenSecrets(rng, entries),
    counts: { orchids, libredb },
    overlap: {
      connectionIds: both(COLLECTION_KEYS.orchids.connections, COLLECTION_KEYS.libredb.connections),
      historyIds: both(COLLECTION_KEYS.orchids.history, COLLECTION_KEYS.libredb.history),
      savedQueryIds: both(
        COLLECTION_KEYS.orchids.savedQueries,
        COLLECTION_KEYS.libredb.savedQueries,
      ),
    },
  };
}
