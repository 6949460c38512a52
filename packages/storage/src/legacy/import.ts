import {
  connections,
  encodeText,
  platformUsers,
  queryLogs,
  type StudioDocumentKind,
  savedQueries,
  studioDocuments,
} from '@platform/schema/browser';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { DEFAULT_HISTORY_RETENTION } from '../limits.ts';
import { mergePatch } from '../merge-patch.ts';
import { knownPreferences, parse } from '../validation.ts';
import type { TakenSecrets } from '../vault/connection-secrets.ts';
import type { KeyValueStore } from '../vault/index.ts';
import type { ConnectionSecrets, ConnectionSecretsInput } from '../vault/vault.ts';
import {
  addToLegacyBackup,
  type BackupVault,
  cleartextBackup,
  type LegacyBackupInfo,
} from './backup.ts';
import { placeHistory } from './history-placement.ts';
import {
  type ConnectionItem,
  type DocumentItem,
  type HistoryItem,
  type ItemSource,
  type ReadKey,
  readConnections,
  readDocuments,
  readHistory,
  readSavedQueries,
  readSeedIds,
  readSetting,
  type SavedQueryItem,
  type SettingValue,
  type SkippedItem,
} from './legacy-items.ts';
import {
  LEGACY_CLEARTEXT_BACKUP_KEY,
  type LegacyCollection,
  type LegacyGeneration,
  type LegacyKey,
  legacyInventory,
} from './legacy-keys.ts';
import {
  type ImportReport,
  type LegacyKeyReport,
  type RenamedItem,
  type ReplacedItem,
  readLegacyImportReport,
  storeLegacyImportReport,
} from './report.ts';

export {
  deleteLegacyBackup,
  LEGACY_BACKUP_KEY,
  type LegacyBackupInfo,
  type LegacyRestoreResult,
  legacyBackupInfo,
  restoreLegacyBackup,
} from './backup.ts';
export type { SkippedItem } from './legacy-items.ts';
export {
  hasLegacyData,
  LEGACY_CLEARTEXT_BACKUP_KEY,
  LEGACY_KEYS,
  LEGACY_SETTING_KEYS,
  type LegacyCollection,
  type LegacyGeneration,
  LIBREDB_KEYS,
  WORKSPACE_TABS_PREFIX,
} from './legacy-keys.ts';
export {
  type ImportedCounts,
  type ImportReport,
  LEGACY_REPORT_KEY,
  type LegacyKeyReport,
  type RenamedItem,
  type ReplacedItem,
  readLegacyImportReport,
} from './report.ts';

/**
 * The import of the old studio's `localStorage` (both generations, every key) into the current
 * profile, in one transaction, through the same row builders as the live API. The rules, which
 * the package README gives in full:
 *
 * - **Both generations**: an id in both keeps the newer (`libredb_*`) item, and the report lists
 *   the older one as replaced. Connections and saved queries keep the `libredb_*` list's order,
 *   then the `orchids_db_*` items it lacks; history is merged newest first by `executedAt` (ties
 *   in array order, the newer generation's first), and a run under an id already used is kept
 *   under a derived id (`history-placement.ts`); the keys the rename left alone (snapshots,
 *   charts, audit log) are one array each, taken in its order.
 * - **Already here** is left as it is: the same id (history: the same run) for connections,
 *   saved queries and list items; a setting this profile has its own value for. So a second run
 *   imports nothing new.
 * - **History is never pruned for having been imported**: a profile whose retention window is
 *   smaller than its history after the import gets its `maxEntries` raised to fit (reported); an
 *   entry older than the profile's age limit, if it has one, is skipped and reported instead.
 * - **Damage** (invalid JSON, not an array, items with missing or bad fields or dates) is
 *   skipped and reported item by item; the rest is imported.
 * - **Secrets** go to the vault. The keys are removed only after every item is read back from
 *   the database and the vault, and after their raw text is in the sealed backup (`backup.ts`)
 *   and reads back from it; keys the import does not take are left in place and listed.
 */

type Db = PgliteDatabase;

/** Only what the vault must offer the import. */
export interface ImportVault extends BackupVault {
  setConnectionSecrets(
    userId: string,
    connectionId: string,
    secrets: ConnectionSecretsInput,
  ): Promise<void>;
  setManyConnectionSecrets(
    userId: string,
    items: readonly { connectionId: string; secrets: ConnectionSecretsInput }[],
  ): Promise<void>;
  getConnectionSecrets(userId: string, connectionId: string): Promise<ConnectionSecrets>;
  deleteConnectionSecrets(userId: string, connectionId: string): Promise<void>;
}

export interface ImportOptions {
  storage: KeyValueStore;
  db: Db;
  userId: string;
  vault: ImportVault;
  /**
   * Puts the database's writes on the disk; run before the old keys are removed, so they are
   * never gone while the import is only in memory (IndexedDB stores writes on a flush).
   */
  flush?: () => Promise<void>;
}

const OTHER_PROFILE = 'its id is used by another profile here';
const KEPT_SETTING = 'this profile has its own value already (kept)';

/** Runs `task` holding a lock shared by every tab, where the Web Locks API exists. */
function acrossTabs<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks ? (locks.request(name, task) as Promise<T>) : task();
}

/**
 * Moves the old studio's data into the current profile (see above). Returns the report of this
 * import, or, with nothing to import, that of the last one (null if none).
 */
export function importLegacyLocalStorage(options: ImportOptions): Promise<ImportReport | null> {
  // Two tabs opening at once import once: the second finds everything present and the keys gone.
  return acrossTabs('platform_legacy_import', () => runImport(options));
}

/** The keys read, by collection; lists in generation order, the newer first. */
interface Read {
  connections: ReadKey<ConnectionItem>[];
  savedQueries: ReadKey<SavedQueryItem>[];
  history: ReadKey<HistoryItem>[];
  documents: { collection: LegacyCollection; read: ReadKey<DocumentItem> }[];
  settings: SettingValue[];
  seeds: ReadKey<{ id: string; key: string; index: number }> | null;
}

function readAll(
  present: LegacyKey[],
  raws: Map<string, string>,
  skipped: SkippedItem[],
  tally: Tally,
  userId: string,
): Read {
  const read: Read = {
    connections: [],
    savedQueries: [],
    history: [],
    documents: [],
    settings: [],
    seeds: null,
  };
  for (const source of present) {
    const raw = raws.get(source.key) as string;
    const report = tally.of(source);
    let items: number | null = 1;
    switch (source.collection) {
      case 'connections': {
        const list = readConnections(source, raw, skipped);
        read.connections.push(list);
        items = list.items;
        break;
      }
      case 'savedQueries': {
        const list = readSavedQueries(source, raw, skipped);
        read.savedQueries.push(list);
        items = list.items;
        break;
      }
      case 'history': {
        const list = readHistory(source, raw, skipped, userId);
        read.history.push(list);
        items = list.items;
        break;
      }
      case 'schemaSnapshots':
      case 'savedCharts':
      case 'auditLog': {
        const list = readDocuments(source, raw, skipped);
        read.documents.push({ collection: source.collection, read: list });
        items = list.items;
        break;
      }
      case 'dismissedSeeds': {
        read.seeds = readSeedIds(source, raw, skipped);
        items = read.seeds.items;
        break;
      }
      default: {
        const setting = readSetting(source, raw, skipped);
        if (setting) read.settings.push(setting);
        else items = null;
      }
    }
    report.items = items;
  }
  const newerFirst = <T extends { source: LegacyKey }>(lists: T[]) =>
    lists.sort((a, b) => generationRank(a.source) - generationRank(b.source));
  newerFirst(read.connections);
  newerFirst(read.savedQueries);
  newerFirst(read.history);
  return read;
}

const generationRank = (key: LegacyKey) => (key.generation === 'orchids' ? 1 : 0);

/** The per-key counters. */
class Tally {
  readonly #keys = new Map<string, LegacyKeyReport>();
  of(source: LegacyKey): LegacyKeyReport {
    let report = this.#keys.get(source.key);
    if (!report) {
      report = {
        key: source.key,
        collection: source.collection,
        generation: source.generation,
        items: null,
        imported: 0,
        alreadyPresent: 0,
        replacedByNewer: 0,
        renamed: 0,
        skipped: 0,
      };
      this.#keys.set(source.key, report);
    }
    return report;
  }
  bump(key: string, field: 'imported' | 'alreadyPresent' | 'replacedByNewer' | 'renamed'): void {
    const report = this.#keys.get(key);
    if (report) report[field] += 1;
  }
  all(): LegacyKeyReport[] {
    return [...this.#keys.values()];
  }
}

/**
 * One list from both generations' lists (newer first), an id in both keeping the newer item.
 * The older generation's items the newer lacks come after, in their own order.
 */
function newerWins<T extends ItemSource & { id: string }>(
  lists: ReadKey<T>[],
  replaced: ReplacedItem[],
  tally: Tally,
): T[] {
  const taken = new Map<string, T>();
  const out: T[] = [];
  for (const list of lists) {
    for (const item of list.valid) {
      const kept = taken.get(item.id);
      if (kept) {
        replaced.push({
          id: item.id,
          key: item.key,
          index: item.index,
          keptFrom: { key: kept.key, index: kept.index },
        });
        tally.bump(item.key, 'replacedByNewer');
        continue;
      }
      taken.set(item.id, item);
      out.push(item);
    }
  }
  return out;
}

/** The next place at the end of a profile's list in `table`. */
async function endOfList(
  db: Db,
  table: typeof connections | typeof savedQueries | typeof studioDocuments,
  userId: string,
  kind?: StudioDocumentKind,
): Promise<number> {
  const where = kind
    ? and(
        eq(studioDocuments.userId, userId),
        eq(studioDocuments.kind, kind),
        isNull(studioDocuments.deletedAt),
      )
    : and(eq(table.userId, userId), isNull(table.deletedAt));
  const [row] = await db
    .select({ end: sql<number>`coalesce(max(${table.position}), 0)::float8` })
    .from(table)
    .where(where);
  return Number(row?.end ?? 0);
}

const documentId = (userId: string, kind: StudioDocumentKind, key: string) =>
  sql`md5(${userId} || chr(31) || ${kind} || chr(31) || ${encodeText(key)})`;

const LIST_KINDS: Partial<Record<LegacyCollection, StudioDocumentKind>> = {
  schemaSnapshots: 'schema_snapshot',
  savedCharts: 'saved_chart',
  auditLog: 'audit_event',
};

const SETTING_KINDS: Partial<Record<LegacyCollection, StudioDocumentKind>> = {
  maskingConfig: 'masking_config',
  thresholdConfig: 'threshold_config',
  activeConnectionId: 'active_connection_id',
  workspaceTabs: 'workspace_tabs',
};

const PREFERENCE_OF: Partial<Record<LegacyCollection, 'theme' | 'editorLineNumbers'>> = {
  theme: 'theme',
  lineNumbers: 'editorLineNumbers',
};

/** What the transaction did, for the read-back. */
interface Written {
  connectionIds: string[];
  savedQueryIds: string[];
  historyIds: string[];
  documents: { kind: StudioDocumentKind; key: string }[];
  preferences: Record<string, unknown>;
  /** Connections whose secrets this import wrote, with what the vault held before. */
  secrets: { id: string; secrets: TakenSecrets; previous: ConnectionSecrets | null }[];
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function runImport(options: ImportOptions): Promise<ImportReport | null> {
  const { storage, db, userId, vault } = options;
  const inventory = legacyInventory(storage);
  const clear = cleartextBackup(storage);
  const clearRaw = storage.getItem(LEGACY_CLEARTEXT_BACKUP_KEY);
  if (inventory.present.length === 0) {
    // Only the clear-text backup of an earlier version: seal it, and the last report stands.
    if (clear) await sealAndRemove(storage, vault, clear.entries, [], clearRaw);
    return readLegacyImportReport(storage);
  }

  const raws = new Map<string, string>();
  for (const source of inventory.present) {
    const raw = storage.getItem(source.key);
    if (raw !== null) raws.set(source.key, raw);
  }
  const present = inventory.present.filter((source) => raws.has(source.key));
  const skipped: SkippedItem[] = [];
  const replaced: ReplacedItem[] = [];
  const renamed: RenamedItem[] = [];
  const tally = new Tally();
  for (const source of present) tally.of(source);
  const read = readAll(present, raws, skipped, tally, userId);

  const mergedConnections = newerWins(read.connections, replaced, tally);
  const mergedSaved = newerWins(read.savedQueries, replaced, tally);
  // Newest first; a stable sort keeps ties in array order, the newer generation's first.
  const mergedHistory = read.history
    .flatMap((list) => list.valid)
    .sort((a, b) => b.row.executedAt.getTime() - a.row.executedAt.getTime());

  const written: Written = {
    connectionIds: [],
    savedQueryIds: [],
    historyIds: [],
    documents: [],
    preferences: {},
    secrets: [],
  };
  let historyRetention: ImportReport['historyRetention'] = null;

  try {
    await db.transaction(async (transaction) => {
      const tx = transaction as unknown as Db;
      const [profile] = await tx
        .select({ preferences: platformUsers.preferences })
        .from(platformUsers)
        .where(eq(platformUsers.id, userId));
      const preferences = (profile?.preferences ?? {}) as Record<string, unknown>;
      const retention =
        parse(knownPreferences, preferences, 'preferences').historyRetention ??
        DEFAULT_HISTORY_RETENTION;

      // ── Connections: secrets to the vault, the rest to rows, at the end of the list ──
      const owners = new Map<string, string>();
      for (const ids of chunks(
        mergedConnections.map((c) => c.id),
        1_000,
      )) {
        const rows = await tx
          .select({ id: connections.id, userId: connections.userId })
          .from(connections)
          .where(inArray(connections.id, ids));
        for (const row of rows) owners.set(row.id, row.userId);
      }
      let position = await endOfList(tx, connections, userId);
      const connectionRows = [];
      const secretWrites: { connectionId: string; secrets: ConnectionSecretsInput }[] = [];
      for (const item of mergedConnections) {
        const owner = owners.get(item.id);
        if (owner === userId) {
          tally.bump(item.key, 'alreadyPresent');
          written.connectionIds.push(item.id);
          continue;
        }
        if (owner !== undefined) {
          skipped.push({ key: item.key, index: item.index, id: item.id, reason: OTHER_PROFILE });
          continue;
        }
        if (Object.keys(item.secrets).length > 0) {
          const previous = await vault.getConnectionSecrets(userId, item.id).catch(() => null);
          written.secrets.push({ id: item.id, secrets: item.secrets, previous });
          secretWrites.push({
            connectionId: item.id,
            secrets: { password: null, connectionStringPassword: null, ...item.secrets },
          });
        }
        connectionRows.push({
          id: item.id,
          userId,
          ...item.row,
          createdAt: item.row.createdAt ?? new Date(),
          position: ++position,
        });
        tally.bump(item.key, 'imported');
        written.connectionIds.push(item.id);
      }
      // One vault write for all of them (see `setManyConnectionSecrets`).
      await vault.setManyConnectionSecrets(userId, secretWrites);
      for (const rows of chunks(connectionRows, 200)) await tx.insert(connections).values(rows);

      // ── Saved queries ──
      const savedOwners = new Map<string, string>();
      for (const ids of chunks(
        mergedSaved.map((q) => q.id),
        1_000,
      )) {
        const rows = await tx
          .select({ id: savedQueries.id, userId: savedQueries.userId })
          .from(savedQueries)
          .where(inArray(savedQueries.id, ids));
        for (const row of rows) savedOwners.set(row.id, row.userId);
      }
      position = await endOfList(tx, savedQueries, userId);
      const savedRows = [];
      for (const item of mergedSaved) {
        const owner = savedOwners.get(item.id);
        if (owner === userId) {
          tally.bump(item.key, 'alreadyPresent');
          written.savedQueryIds.push(item.id);
          continue;
        }
        if (owner !== undefined) {
          skipped.push({ key: item.key, index: item.index, id: item.id, reason: OTHER_PROFILE });
          continue;
        }
        savedRows.push({ ...item.row, userId, position: ++position });
        tally.bump(item.key, 'imported');
        written.savedQueryIds.push(item.id);
      }
      for (const rows of chunks(savedRows, 200)) await tx.insert(savedQueries).values(rows);

      // ── History: within the age limit, each run in its place, oldest inserted first ──
      const cutoff =
        retention.maxAgeDays === null || retention.maxAgeDays === undefined
          ? null
          : Date.now() - retention.maxAgeDays * 86_400_000;
      const inWindow = mergedHistory.filter((item) => {
        if (cutoff === null || item.row.executedAt.getTime() >= cutoff) return true;
        skipped.push({
          key: item.key,
          index: item.index,
          id: item.id,
          reason: `older than this profile's history age limit (${retention.maxAgeDays} days)`,
        });
        return false;
      });
      const placements = await placeHistory(tx, userId, inWindow);
      const historyRows = [];
      for (const placement of placements) {
        const { item, storedAs } = placement;
        written.historyIds.push(storedAs);
        if (placement.present) {
          tally.bump(item.key, 'alreadyPresent');
          continue;
        }
        tally.bump(item.key, 'imported');
        if (storedAs !== item.id) {
          tally.bump(item.key, 'renamed');
          renamed.push({ key: item.key, index: item.index, id: item.id, storedAs });
        }
        historyRows.push({ ...item.row, id: storedAs });
      }
      // Same-instant entries show the later insert first: inserting the oldest first keeps
      // the studio's order.
      historyRows.reverse();
      for (const rows of chunks(historyRows, 500)) await tx.insert(queryLogs).values(rows);

      // ── Snapshots, charts, audit events: each array in its order, at the end of its list ──
      for (const { collection, read: list } of read.documents) {
        const kind = LIST_KINDS[collection] as StudioDocumentKind;
        const stored = await tx
          .select({ key: studioDocuments.key, doc: studioDocuments.doc })
          .from(studioDocuments)
          .where(and(eq(studioDocuments.userId, userId), eq(studioDocuments.kind, kind)));
        const taken = new Map(
          stored.map((row) => [row.key, { json: JSON.stringify(row.doc), claimed: false }]),
        );
        let end = await endOfList(tx, studioDocuments, userId, kind);
        const rows = [];
        for (const item of list.valid) {
          const json = JSON.stringify(item.doc);
          // The facade's keys: the id, then `<id>#2`, `#3`… (the studio's lists may repeat ids).
          for (let n = 1; ; n++) {
            const key = n === 1 ? item.id : `${item.id}#${n}`;
            const place = taken.get(key);
            if (!place) {
              taken.set(key, { json, claimed: true });
              rows.push({
                id: documentId(userId, kind, key),
                userId,
                kind,
                key,
                doc: item.doc,
                position: ++end,
              });
              tally.bump(item.key, 'imported');
              written.documents.push({ kind, key });
              break;
            }
            if (!place.claimed && place.json === json) {
              place.claimed = true;
              tally.bump(item.key, 'alreadyPresent');
              written.documents.push({ kind, key });
              break;
            }
          }
        }
        for (const batch of chunks(rows, 200)) await tx.insert(studioDocuments).values(batch);
      }

      // ── Settings: a profile's own value stays ──
      const patch: Record<string, unknown> = {};
      for (const setting of read.settings) {
        const { source, value } = setting;
        const preference = PREFERENCE_OF[source.collection];
        if (preference) {
          const current = preferences[preference];
          if (current === undefined) {
            patch[preference] = value;
            written.preferences[preference] = value;
            tally.bump(source.key, 'imported');
          } else if (current === value) tally.bump(source.key, 'alreadyPresent');
          else {
            skipped.push({ key: source.key, index: null, id: null, reason: KEPT_SETTING });
          }
          continue;
        }
        const kind = SETTING_KINDS[source.collection] as StudioDocumentKind;
        const key = source.workspace ?? '';
        const [current] = await tx
          .select({ doc: studioDocuments.doc, deletedAt: studioDocuments.deletedAt })
          .from(studioDocuments)
          .where(
            and(
              eq(studioDocuments.userId, userId),
              eq(studioDocuments.kind, kind),
              eq(studioDocuments.key, key),
            ),
          );
        if (!current) {
          await tx.insert(studioDocuments).values({
            id: documentId(userId, kind, key),
            userId,
            kind,
            key,
            doc: value,
            position: 0,
          });
          tally.bump(source.key, 'imported');
          written.documents.push({ kind, key });
        } else if (current.deletedAt !== null || sameJson(current.doc, value)) {
          tally.bump(source.key, 'alreadyPresent');
        } else {
          skipped.push({ key: source.key, index: null, id: null, reason: KEPT_SETTING });
        }
      }

      // ── Dismissed seeds: added to the profile's own ──
      if (read.seeds) {
        const [current] = await tx
          .select({ doc: studioDocuments.doc })
          .from(studioDocuments)
          .where(
            and(
              eq(studioDocuments.userId, userId),
              eq(studioDocuments.kind, 'dismissed_seeds'),
              eq(studioDocuments.key, ''),
            ),
          );
        const before = Array.isArray(current?.doc) ? (current.doc as unknown[]) : [];
        const list = [...before];
        for (const seed of read.seeds.valid) {
          if (list.includes(seed.id)) tally.bump(seed.key, 'alreadyPresent');
          else {
            list.push(seed.id);
            tally.bump(seed.key, 'imported');
          }
        }
        if (list.length > before.length) {
          await tx
            .insert(studioDocuments)
            .values({
              id: documentId(userId, 'dismissed_seeds', ''),
              userId,
              kind: 'dismissed_seeds',
              key: '',
              doc: list,
              position: 0,
            })
            .onConflictDoUpdate({
              target: studioDocuments.id,
              set: { doc: list, updatedAt: sql`now()`, deletedAt: null },
            });
          written.documents.push({ kind: 'dismissed_seeds', key: '' });
        }
      }

      // ── Retention: what was imported must not be pruned for it ──
      const [live] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(queryLogs)
        .where(and(eq(queryLogs.userId, userId), isNull(queryLogs.deletedAt)));
      const total = live?.n ?? 0;
      if (historyRows.length > 0 && total > retention.maxEntries) {
        patch.historyRetention = { ...retention, maxEntries: total };
        historyRetention = { before: retention.maxEntries, after: total };
      }

      if (Object.keys(patch).length > 0) {
        const next = mergePatch(preferences, patch) as Record<string, unknown>;
        parse(knownPreferences, next, 'preferences');
        await tx
          .update(platformUsers)
          .set({ preferences: next, updatedAt: sql`now()` })
          .where(eq(platformUsers.id, userId));
      }
    });
  } catch (error) {
    // The transaction rolled back: put the vault back as it was too, and leave the keys.
    for (const { id, previous } of written.secrets) {
      if (previous) await vault.setConnectionSecrets(userId, id, previous);
      else await vault.deleteConnectionSecrets(userId, id);
    }
    throw error;
  }

  // ── Read back, store, then back up, then remove ──
  const missing = await readBack(db, vault, userId, written);
  if (!missing) await options.flush?.();
  let keysKeptBecause: string | null = missing
    ? `the read-back did not find ${missing} in the database`
    : null;
  let legacyKeysRemoved = false;
  if (!missing) {
    const entries = { ...(clear?.entries ?? {}), ...Object.fromEntries(raws) };
    keysKeptBecause = await sealAndRemove(storage, vault, entries, [...raws], clearRaw);
    legacyKeysRemoved = keysKeptBecause === null;
  }

  const keys = tally.all();
  for (const report of keys) {
    report.skipped = skipped.filter((s) => s.key === report.key).length;
  }
  const importedOf = (...collections: LegacyCollection[]) =>
    keys.filter((k) => collections.includes(k.collection)).reduce((sum, k) => sum + k.imported, 0);
  const imported = {
    connections: importedOf('connections'),
    history: importedOf('history'),
    savedQueries: importedOf('savedQueries'),
    schemaSnapshots: importedOf('schemaSnapshots'),
    savedCharts: importedOf('savedCharts'),
    auditEvents: importedOf('auditLog'),
    settings: importedOf(
      'maskingConfig',
      'thresholdConfig',
      'activeConnectionId',
      'dismissedSeeds',
      'workspaceTabs',
      'theme',
      'lineNumbers',
    ),
    total: keys.reduce((sum, k) => sum + k.imported, 0),
  };
  const generations: LegacyGeneration[] = (['libredb', 'orchids'] as const).filter((g) =>
    present.some((source) => source.generation === g),
  );
  const report: ImportReport = {
    userId,
    finishedAt: new Date().toISOString(),
    generations,
    imported,
    alreadyPresent: keys.reduce((sum, k) => sum + k.alreadyPresent, 0),
    replacedByNewer: replaced.length,
    skipped,
    replaced,
    renamed,
    keys,
    leftInPlace: inventory.leftInPlace,
    historyRetention,
    legacyKeysRemoved,
    keysKeptBecause,
  };
  storeLegacyImportReport(storage, report);
  return report;
}

/**
 * Reads back what the transaction wrote or found: every row by its id, every document by its
 * key, the preferences, and every secret from the vault. Returns what is missing, or null.
 */
async function readBack(
  db: Db,
  vault: ImportVault,
  userId: string,
  written: Written,
): Promise<string | null> {
  const found = async (
    table: typeof connections | typeof savedQueries | typeof queryLogs,
    ids: string[],
  ) => {
    let n = 0;
    for (const slice of chunks([...new Set(ids)], 1_000)) {
      const rows = await db
        .select({ id: table.id })
        .from(table)
        .where(and(eq(table.userId, userId), inArray(table.id, slice)));
      n += rows.length;
    }
    return n === new Set(ids).size;
  };
  if (!(await found(connections, written.connectionIds))) return 'every connection';
  if (!(await found(savedQueries, written.savedQueryIds))) return 'every saved query';
  if (!(await found(queryLogs, written.historyIds))) return 'every history entry';
  for (const { kind, key } of written.documents) {
    const [row] = await db
      .select({ key: studioDocuments.key })
      .from(studioDocuments)
      .where(
        and(
          eq(studioDocuments.userId, userId),
          eq(studioDocuments.kind, kind),
          eq(studioDocuments.key, key),
        ),
      );
    if (!row) return `the ${kind.replace('_', ' ')} ${key}`;
  }
  const [profile] = await db
    .select({ preferences: platformUsers.preferences })
    .from(platformUsers)
    .where(eq(platformUsers.id, userId));
  const preferences = (profile?.preferences ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(written.preferences)) {
    if (preferences[name] !== value) return `the preference ${name}`;
  }
  for (const { id, secrets } of written.secrets) {
    const stored = (await vault.getConnectionSecrets(userId, id)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(secrets)) {
      if (stored[name] !== value) return `the secrets of connection ${id} in the vault`;
    }
  }
  return null;
}

/**
 * Adds `entries` to the sealed backup, and once it reads back, removes `keys` (each only if it
 * still holds the text that was read: another tab of the old studio may have written since) and
 * the clear-text backup of an earlier version. Returns why anything was kept, or null.
 */
async function sealAndRemove(
  storage: KeyValueStore,
  vault: ImportVault,
  entries: Record<string, string>,
  keys: [string, string][],
  clearRaw: string | null,
): Promise<string | null> {
  let backup: LegacyBackupInfo;
  try {
    backup = await addToLegacyBackup(vault, entries, new Date().toISOString());
  } catch (error) {
    return `the backup could not be stored (${error instanceof Error ? error.message : String(error)})`;
  }
  const changed: string[] = [];
  for (const [key, raw] of keys) {
    if (!backup.keys.includes(key)) continue;
    if (storage.getItem(key) === raw) storage.removeItem(key);
    else changed.push(key);
  }
  if (clearRaw !== null && storage.getItem(LEGACY_CLEARTEXT_BACKUP_KEY) === clearRaw) {
    storage.removeItem(LEGACY_CLEARTEXT_BACKUP_KEY);
  }
  return changed.length > 0
    ? `${changed.join(', ')} changed while the import ran (imported again on the next open)`
    : null;
}
