import type { PGlite } from '@electric-sql/pglite';
import { SYNCED_TABLE_NAMES } from '@platform/schema/browser';
import { drizzle } from 'drizzle-orm/pglite';
import { ChangeFeed, type ChangeListener } from './changes.ts';
import { openNodeDatabase } from './client/open-node.ts';
import { estimateStorage, requestPersistentStorage } from './client/persistence.ts';
import type {
  DatabaseHandle,
  SqlClient,
  StorageEstimate,
  StorageLocation,
} from './client/types.ts';
import {
  NotFoundError,
  PermissionError,
  StorageUnavailableError,
  translateDatabaseError,
} from './errors.ts';
import { legacyFacade, type WorkspaceStorage } from './legacy/facade.ts';
import {
  deleteLegacyBackup,
  hasLegacyData,
  type ImportReport,
  importLegacyLocalStorage,
  LEGACY_BACKUP_KEY,
  type LegacyBackupInfo,
  type LegacyRestoreResult,
  legacyBackupInfo,
  readLegacyImportReport,
  restoreLegacyBackup,
} from './legacy/import.ts';
import type { LegacyStorage } from './legacy/types.ts';
import type { Actor } from './permissions.ts';
import { assertCan, can } from './permissions.ts';
import { ConnectionsRepository } from './repositories/connections.ts';
import type { ChangedTable, RepositoryContext } from './repositories/context.ts';
import { HistoryRepository } from './repositories/history.ts';
import { PreferencesRepository } from './repositories/preferences.ts';
import { SavedQueriesRepository } from './repositories/saved-queries.ts';
import { StudioDocumentsRepository } from './repositories/studio-documents.ts';
import { SyncConfigRepository } from './repositories/sync-config.ts';
import { type UserRecord, UsersRepository } from './repositories/users.ts';
import {
  forgetSyncedData,
  linkProfileToAccount,
  type SyncAccount,
  syncingProfiles,
} from './sync-link.ts';
import { exportPlatformData } from './transfer/export.ts';
import type { PlatformExport } from './transfer/format.ts';
import { importPlatformData, type TransferReport } from './transfer/import.ts';
import {
  type CryptoKeyStore,
  IndexedDbCryptoKeyStore,
  type KeyValueStore,
  MemoryCryptoKeyStore,
  MemoryKeyValueStore,
  Vault,
  VaultError,
  type VaultStatus,
} from './vault/index.ts';

/** The profile that exists before anyone sets up users, so the legacy API works at once. */
export const DEFAULT_ADMIN = { id: 'local-admin', username: 'admin', role: 'admin' } as const;

export interface CreateStorageOptions {
  /**
   * PGlite data dir. Node: `memory://` (default) or a directory. Browser: default is the shared,
   * multi-tab database `platform` (OPFS, or IndexedDB); `idb://name` picks another name;
   * `memory://` a throwaway in-tab database.
   */
  dataDir?: string;
  /** Where the vault and small settings live; default `localStorage`, or memory without it. */
  localStorage?: KeyValueStore;
  /** Where the vault key lives; default IndexedDB in browsers, memory elsewhere. */
  cryptoKeys?: CryptoKeyStore;
  /** Import the old studio's keys (`orchids_db_*`, `libredb_*`) on first open (default true). */
  importLegacyData?: boolean;
  /** In a browser, fall back to an in-memory database when persistent storage fails (default true). */
  fallbackToMemory?: boolean;
  /**
   * An already open, migrated database to use instead of opening one (a test's shared instance,
   * a sync replica). Its owner closes it: `close()` leaves it open.
   */
  database?: DatabaseHandle;
}

export interface StorageWarning {
  code:
    | 'memory-fallback'
    | 'vault-memory-fallback'
    | 'legacy-import-deferred'
    | 'legacy-import-failed'
    | 'no-local-storage';
  message: string;
}

export interface StorageStatus {
  location: StorageLocation;
  warnings: StorageWarning[];
  legacyImport: ImportReport | null;
}

/** Where the data lives, how much room the origin uses and has, and whether it may be evicted. */
export interface StorageUsage extends StorageEstimate {
  location: StorageLocation;
  /**
   * What the platform database's files take, in bytes: its tables and indexes, the write-ahead
   * log and the cluster's shared catalogs. The browser's `usage` is larger and not a measure of
   * the data: Chromium counts about 1 MB for every open OPFS access handle, and PGlite's OPFS
   * pool keeps one open per file and 100 spare.
   */
  database: { bytes: number; walBytes: number } | null;
}

/** Sizes read by Postgres itself, so they are the same on every backend. */
const DATABASE_SIZE_SQL = `
  with wal as (select coalesce(sum(size), 0) as bytes from pg_ls_waldir())
  select pg_database_size(current_database())
           + coalesce((select sum((pg_stat_file('global/' || f)).size) from pg_ls_dir('global') f), 0)
           + wal.bytes as bytes,
         wal.bytes as wal_bytes
  from wal`;

/**
 * What the sync client needs of the storage: the database, whose data it syncs, and a way to
 * tell the studio that rows changed under it.
 */
export interface SyncBridge {
  readonly db: SqlClient;
  /** The profile that is syncing (the current one when the bridge was asked for). */
  readonly userId: string;
  /** Call after applying the server's rows: caches drop and listeners, in every tab, re-read. */
  applied(tables: readonly ChangedTable[]): void;
  /**
   * Resolves once every local write is on the disk. Called before each push: a change the server
   * accepted from this device must never be one this device can still lose (IndexedDB keeps
   * writes in memory until a flush).
   */
  flush(): Promise<void>;
}

export interface Repositories {
  users: UsersRepository;
  history: HistoryRepository;
  savedQueries: SavedQueriesRepository;
  connections: ConnectionsRepository;
  /** The studio's snapshots, charts, audit log and settings (`studio_documents`). */
  documents: StudioDocumentsRepository;
  preferences: PreferencesRepository;
  syncConfig: SyncConfigRepository;
}

/** A repository whose every method first waits for the storage to open. */
export type Lazy<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

export type LazyRepositories = { [K in keyof Repositories]: Lazy<Repositories[K]> };

export interface PlatformStorage extends LegacyStorage, WorkspaceStorage, LazyRepositories {
  /** Opens the database (once); every other method does this itself. */
  open(): Promise<StorageStatus>;
  currentUser(): Promise<UserRecord>;
  /** Acts as another profile from now on; needs its password when it has one. */
  switchUser(userId: string, password?: string): Promise<UserRecord>;
  /** Sets (or with null removes) a profile's password: one's own, or anyone's as an admin. */
  setProfilePassword(userId: string, password: string | null): Promise<void>;
  hasProfilePassword(userId: string): Promise<boolean>;
  /**
   * The platform data as one JSON document, without any secret: an admin's has every profile
   * and all their data, anyone else's their own profile and data. One consistent snapshot.
   */
  exportData(): Promise<PlatformExport>;
  /**
   * Merges an `exportData()` document (parsed JSON) into this database. Validates all of it
   * first (`ValidationError`), then applies all of it in one transaction or nothing.
   */
  importData(document: unknown): Promise<TransferReport>;
  /** Usage, quota and persistence of this origin's storage; nulls where the runtime can't say. */
  estimate(): Promise<StorageUsage>;
  /** Asks the browser not to evict the data; false where it says no or cannot be asked. */
  requestPersistence(): Promise<boolean>;
  /** Whether the password vault can open what it holds. */
  vaultStatus(): Promise<VaultStatus>;
  /**
   * Forgets every profile password and connection secret, for every profile. Admins may always;
   * anyone may once the vault is `key-lost` or `corrupt`, since its secrets are gone anyway.
   */
  resetVault(): Promise<void>;
  /** The report of the last import of the old studio's data (any open, not only this one). */
  legacyImportReport(): Promise<ImportReport | null>;
  /** The sealed backup of the old studio's keys the import removed: when, which, how big. */
  legacyBackup(): Promise<LegacyBackupInfo | null>;
  /** Deletes that backup for good (admins). */
  deleteLegacyBackup(): Promise<void>;
  /**
   * Puts the backed-up keys back into localStorage for the old studio (admins); a key holding
   * something else now is left alone. The next open imports them again: nothing twice.
   */
  restoreLegacyBackup(): Promise<LegacyRestoreResult>;
  /**
   * Sync mode: makes the current profile this device's copy of a server account (it takes the
   * account's id, name and role), turns sync on for it, and queues all its data for upload.
   */
  linkSyncAccount(account: SyncAccount, syncUrl: string): Promise<UserRecord>;
  /** Sync mode: forgets the current profile's synced data here, to download it all again. */
  forgetSyncedData(): Promise<void>;
  /** Sync mode: the database and hooks the sync client works with, for the current profile. */
  syncBridge(): Promise<SyncBridge>;
  /** Listen for changes to platform data, from this tab or others. Returns unsubscribe. */
  subscribe(listener: ChangeListener): () => void;
  /** Resolves when everything written so far is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Opened {
  handle: DatabaseHandle;
  ctx: RepositoryContext;
  repos: Repositories;
  vault: Vault;
  status: StorageStatus;
}

const isBrowser = () => typeof window !== 'undefined' && typeof document !== 'undefined';

function defaultKeyValueStore(warnings: StorageWarning[]): KeyValueStore {
  try {
    if (typeof localStorage !== 'undefined') {
      localStorage.getItem('platform_probe');
      return localStorage;
    }
  } catch {
    // Some private modes throw on any access: fall through to memory and say so.
  }
  if (isBrowser()) {
    warnings.push({
      code: 'no-local-storage',
      message: 'localStorage is unavailable: secrets and settings last only until the tab closes.',
    });
  }
  return new MemoryKeyValueStore();
}

async function openHandle(
  dataDir: string | undefined,
  fallbackToMemory: boolean,
  warnings: StorageWarning[],
): Promise<DatabaseHandle> {
  if (!isBrowser() || dataDir?.startsWith('memory://')) return openNodeDatabase(dataDir);
  const name = dataDir?.startsWith('idb://') ? dataDir.slice('idb://'.length) : 'platform';
  try {
    const { openBrowserDatabase } = await import('./client/open-browser.ts');
    return await openBrowserDatabase({ name });
  } catch (error) {
    if (!fallbackToMemory || !(error instanceof StorageUnavailableError)) throw error;
    warnings.push({
      code: 'memory-fallback',
      message: `Browser storage is unavailable (${error.message}); platform data is kept in memory and will be lost when this tab closes.`,
    });
    return openNodeDatabase('memory://');
  }
}

/**
 * The vault: its key in IndexedDB in browsers. When the browser refuses IndexedDB (a private
 * window, a broken profile) the vault falls back to memory entirely, key and entries: secrets
 * sealed in localStorage under the real key are left untouched for when it works again.
 */
async function openVault(
  kv: KeyValueStore,
  keys: CryptoKeyStore | undefined,
  fallbackToMemory: boolean,
  warnings: StorageWarning[],
): Promise<Vault> {
  if (keys) return Vault.open({ storage: kv, keys });
  if (typeof indexedDB === 'undefined')
    return Vault.open({ storage: kv, keys: new MemoryCryptoKeyStore() });
  try {
    return await Vault.open({ storage: kv, keys: new IndexedDbCryptoKeyStore() });
  } catch (error) {
    if (
      !fallbackToMemory ||
      !(error instanceof VaultError) ||
      error.reason !== 'VAULT_UNAVAILABLE'
    ) {
      throw error;
    }
    warnings.push({
      code: 'vault-memory-fallback',
      message:
        'The browser refused the password vault its key store (IndexedDB): saved passwords cannot be read here, and passwords entered now are kept only until this tab closes.',
    });
    return Vault.open({ storage: new MemoryKeyValueStore(), keys: new MemoryCryptoKeyStore() });
  }
}

/**
 * Whether to leave the old studio's data where it is: importing it into a database or vault
 * that lives only in memory would move it somewhere it is lost when the tab closes.
 */
function deferLegacyImport(kv: KeyValueStore, warnings: StorageWarning[]): boolean {
  const degraded = warnings.some(
    (warning) => warning.code === 'memory-fallback' || warning.code === 'vault-memory-fallback',
  );
  if (!degraded || !hasLegacyData(kv)) return false;
  warnings.push({
    code: 'legacy-import-deferred',
    message:
      'The data of the old studio was left in place: it is imported once browser storage works.',
  });
  return true;
}

/** The backup of the old studio's data belongs to the whole browser: admins manage it. */
function assertLegacyBackupAdmin(actor: Actor): void {
  if (!can(actor.role, 'users.manage')) {
    throw new PermissionError(
      'legacyBackup.manage',
      `A ${actor.role} cannot delete or restore the backup of the old studio’s data.`,
    );
  }
}

/**
 * Every method of `methods`, with a database failure turned into the storage error it means:
 * a raw driver error never reaches a caller.
 */
function guarded<T extends object>(methods: T): T {
  const out = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(methods)) {
    out[name] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => unknown)(...args);
      } catch (error) {
        throw translateDatabaseError(error, name);
      }
    };
  }
  return out as T;
}

/**
 * Platform storage: the legacy API (async) plus repositories for everything it lacks. Nothing is
 * opened until the first call, so creating it costs nothing at page load.
 */
export function createStorage(options: CreateStorageOptions = {}): PlatformStorage {
  const warnings: StorageWarning[] = [];
  const kv = options.localStorage ?? defaultKeyValueStore(warnings);
  const feedName = options.dataDir ?? 'platform';
  const currentUserKey = `platform_current_user:${feedName}`;
  const feed = new ChangeFeed(feedName);
  let actor: Actor | null = null;
  let opening: Promise<Opened> | null = null;
  // Profiles whose changes this device syncs: their deletes leave tombstones, to carry them.
  let syncing = new Set<string>();
  let closed = false;

  const currentActor = (): Actor => {
    if (!actor) throw new StorageUnavailableError('closed', 'Storage is not open.');
    return actor;
  };

  async function open(): Promise<Opened> {
    if (closed) throw new StorageUnavailableError('closed', 'This storage was closed.');
    const handle = options.database
      ? { ...options.database, close: async () => {} }
      : await openHandle(options.dataDir, options.fallbackToMemory ?? true, warnings);
    try {
      const vault = await openVault(
        kv,
        options.cryptoKeys,
        options.fallbackToMemory ?? true,
        warnings,
      );
      const ctx: RepositoryContext = {
        // Drizzle's PGlite driver calls only `query` and `transaction`, which every SqlClient has.
        db: drizzle({ client: handle.pg as PGlite }),
        actor: currentActor,
        // Browser-only profiles delete for real; a syncing one leaves tombstones, so the delete
        // reaches the server and beats an older update from another device.
        tombstones: () => syncing.has(currentActor().id),
        changed: (table) => feed.publish(table),
      };
      const preferences = new PreferencesRepository(ctx);
      const documents = new StudioDocumentsRepository(ctx);
      const repos: Repositories = {
        users: new UsersRepository(ctx, (id) => vault.deleteUser(id)),
        history: new HistoryRepository(ctx, () => preferences.historyRetention()),
        savedQueries: new SavedQueriesRepository(ctx),
        connections: new ConnectionsRepository(ctx, vault, (seedId) =>
          documents.dismissSeed(seedId),
        ),
        documents,
        preferences,
        syncConfig: new SyncConfigRepository(ctx),
      };
      feed.subscribe((event) => {
        if (event.origin === 'remote' && event.table === 'platform_users') preferences.invalidate();
        if (event.table === 'query_logs' || event.table === 'platform_users') {
          repos.history.invalidate();
        }
        if (event.table === 'sync_config') {
          void syncingProfiles(ctx.db).then(
            (ids) => {
              syncing = ids;
            },
            () => {},
          );
        }
      });
      syncing = await syncingProfiles(ctx.db);
      actor = await chooseActor(repos.users);
      let legacyImport: ImportReport | null = null;
      if (options.importLegacyData !== false && !deferLegacyImport(kv, warnings)) {
        try {
          legacyImport = await importLegacyLocalStorage({
            storage: kv,
            db: ctx.db,
            userId: actor.id,
            vault,
            flush: () => handle.flush(),
          });
        } catch (error) {
          // Nothing was removed: the old data stays where it is, and the next open tries again.
          warnings.push({
            code: 'legacy-import-failed',
            message: `The data of the old studio could not be imported (${error instanceof Error ? error.message : String(error)}); it was left in place, and the import runs again on the next open.`,
          });
        }
      }
      if (legacyImport && (legacyImport.imported.total > 0 || legacyImport.historyRetention)) {
        // The import wrote behind the repositories' backs.
        preferences.invalidate();
        for (const table of SYNCED_TABLE_NAMES) feed.publish(table);
      }
      return {
        handle,
        ctx,
        repos,
        vault,
        status: { location: handle.location, warnings, legacyImport },
      };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async function chooseActor(users: UsersRepository): Promise<Actor> {
    let everyone = await users.list();
    if (everyone.length === 0) {
      try {
        await users.insert(DEFAULT_ADMIN);
      } catch {
        // Another tab created it first: fine, it is the same profile.
      }
      everyone = await users.list();
    }
    const remembered = kv.getItem(currentUserKey);
    const chosen =
      everyone.find((u) => u.id === remembered) ??
      everyone.find((u) => u.role === 'admin') ??
      everyone[0];
    if (!chosen) throw new NotFoundError('user', remembered ?? DEFAULT_ADMIN.id);
    return { id: chosen.id, role: chosen.role };
  }

  const ready = (): Promise<Opened> => {
    opening ??= open().catch((error) => {
      opening = null;
      throw error;
    });
    return opening;
  };

  function lazy<K extends keyof Repositories>(
    key: K,
    overrides: Partial<Lazy<Repositories[K]>> = {},
  ): Lazy<Repositories[K]> {
    return new Proxy({} as Lazy<Repositories[K]>, {
      get: (_target, method: string) => {
        const override = (overrides as Record<string, unknown>)[method];
        if (override) return override;
        return async (...args: unknown[]) => {
          const { repos } = await ready();
          const repo = repos[key] as unknown as Record<string, (...a: unknown[]) => unknown>;
          const fn = repo[method];
          if (typeof fn !== 'function')
            throw new TypeError(`${String(key)}.${method} is not a function`);
          try {
            return await fn.apply(repo, args);
          } catch (error) {
            throw translateDatabaseError(error, `${String(key)}.${method}`);
          }
        };
      },
    });
  }

  /** Re-reads the acting user's role after changes to users, so a demotion applies at once. */
  async function refreshActor(repos: Repositories): Promise<void> {
    if (!actor) return;
    const me = await repos.users.get(actor.id);
    if (me) actor = { id: me.id, role: me.role };
  }

  const storage: PlatformStorage = {
    ...guarded(legacyFacade(async () => (await ready()).repos)),
    users: lazy('users', {
      update: async (id, patch) => {
        const { repos } = await ready();
        const updated = await repos.users.update(id, patch);
        await refreshActor(repos);
        return updated;
      },
    }),
    history: lazy('history'),
    savedQueries: lazy('savedQueries'),
    connections: lazy('connections'),
    documents: lazy('documents'),
    preferences: lazy('preferences'),
    syncConfig: lazy('syncConfig', {
      set: async (patch) => {
        const { ctx, repos } = await ready();
        const settings = await repos.syncConfig.set(patch);
        syncing = await syncingProfiles(ctx.db);
        return settings;
      },
    }),

    async open() {
      return (await ready()).status;
    },

    async currentUser() {
      const { repos } = await ready();
      const me = await repos.users.get(currentActor().id);
      if (!me) throw new NotFoundError('user', currentActor().id);
      return me;
    },

    async switchUser(userId, password) {
      const { repos, vault } = await ready();
      const target = await repos.users.get(userId);
      if (!target) throw new NotFoundError('user', userId);
      if (vault.hasProfilePassword(userId)) {
        const ok = password !== undefined && (await vault.verifyProfilePassword(userId, password));
        if (!ok) throw new PermissionError('users.switch', 'Wrong password for this profile.');
      }
      actor = { id: target.id, role: target.role };
      kv.setItem(currentUserKey, target.id);
      return target;
    },

    async setProfilePassword(userId, password) {
      const { repos, vault } = await ready();
      if (userId !== currentActor().id) assertCan(currentActor(), 'users.manage');
      if (!(await repos.users.get(userId))) throw new NotFoundError('user', userId);
      if (password === null) await vault.removeProfilePassword(userId);
      else await vault.setProfilePassword(userId, password);
    },

    async hasProfilePassword(userId) {
      const { vault } = await ready();
      return vault.hasProfilePassword(userId);
    },

    async exportData() {
      const { ctx } = await ready();
      return exportPlatformData(ctx.db, currentActor());
    },

    async importData(document) {
      const { ctx, repos, handle } = await ready();
      const { report, changed } = await importPlatformData(ctx.db, currentActor(), document);
      if (changed.includes('platform_users')) {
        // The import wrote preferences and maybe roles behind the repositories' backs.
        repos.preferences.invalidate();
        await refreshActor(repos);
      }
      for (const table of changed) ctx.changed(table);
      // The report says it is stored: on IndexedDB that takes a flush.
      await handle.flush();
      return report;
    },

    async estimate() {
      const { handle } = await ready();
      const [browser, database] = await Promise.all([
        estimateStorage(),
        handle.pg
          .query<{ bytes: string | number; wal_bytes: string | number }>(DATABASE_SIZE_SQL)
          .then(({ rows: [row] }) =>
            row ? { bytes: Number(row.bytes), walBytes: Number(row.wal_bytes) } : null,
          )
          // A database that cannot list its files (a role without the right) still has a page.
          .catch(() => null),
      ]);
      return { location: handle.location, ...browser, database };
    },

    // Not waiting for the open: Firefox asks the user only within the click that called this.
    requestPersistence: () => requestPersistentStorage(),

    async vaultStatus() {
      const { vault, status } = await ready();
      // The vault in use is a stand-in in memory; the real one is out of reach, not healthy.
      if (status.warnings.some((w) => w.code === 'vault-memory-fallback')) return 'unavailable';
      return vault.check();
    },

    async resetVault() {
      const { vault, ctx } = await ready();
      const health = await vault.check();
      if (health !== 'key-lost' && health !== 'corrupt') assertCan(currentActor(), 'vault.reset');
      await vault.reset();
      // Connections lost their passwords and profiles theirs: other tabs should re-read both.
      ctx.changed('connections');
      ctx.changed('platform_users');
    },

    async legacyImportReport() {
      await ready();
      return readLegacyImportReport(kv);
    },

    async legacyBackup() {
      await ready();
      return legacyBackupInfo(kv, LEGACY_BACKUP_KEY);
    },

    async deleteLegacyBackup() {
      await ready();
      assertLegacyBackupAdmin(currentActor());
      deleteLegacyBackup(null, kv);
    },

    async restoreLegacyBackup() {
      const { vault, status } = await ready();
      assertLegacyBackupAdmin(currentActor());
      if (status.warnings.some((w) => w.code === 'vault-memory-fallback')) {
        throw new VaultError(
          'VAULT_UNAVAILABLE',
          'The backup is sealed with the vault’s key, which this browser refuses to hand over now (IndexedDB is unavailable).',
        );
      }
      return restoreLegacyBackup(vault, kv);
    },

    async linkSyncAccount(account, syncUrl) {
      const { ctx, repos, vault } = await ready();
      const from = currentActor().id;
      await linkProfileToAccount(ctx.db, from, account, syncUrl);
      await vault.moveUser(from, account.id);
      actor = { id: account.id, role: account.role };
      kv.setItem(currentUserKey, account.id);
      syncing = await syncingProfiles(ctx.db);
      repos.preferences.invalidate();
      for (const table of SYNCED_TABLE_NAMES) ctx.changed(table);
      ctx.changed('sync_config');
      const me = await repos.users.get(account.id);
      if (!me) throw new NotFoundError('user', account.id);
      return me;
    },

    async forgetSyncedData() {
      const { ctx, repos } = await ready();
      await forgetSyncedData(ctx.db, currentActor().id);
      repos.preferences.invalidate();
      for (const table of SYNCED_TABLE_NAMES) ctx.changed(table);
    },

    async syncBridge() {
      const { handle, ctx, repos } = await ready();
      return {
        db: handle.pg,
        userId: currentActor().id,
        applied: (tables) => {
          if (tables.includes('platform_users')) {
            repos.preferences.invalidate();
            // A role changed by an admin on the server applies here at once.
            void refreshActor(repos).catch(() => {});
          }
          for (const table of tables) ctx.changed(table);
        },
        flush: () => handle.flush(),
      };
    },

    subscribe: (listener) => feed.subscribe(listener),

    async flush() {
      if (opening) await (await opening).handle.flush();
    },

    async close() {
      closed = true;
      feed.close();
      const pending = opening;
      opening = null;
      if (pending) {
        const opened = await pending.catch(() => null);
        await opened?.handle.close();
      }
    },
  };
  return storage;
}

/**
 * The browser app's storage: created at import, opened by its first call. Node code should
 * call `createStorage()` itself.
 */
export const storage: PlatformStorage = createStorage();
