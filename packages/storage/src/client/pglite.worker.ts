/**
 * The worker behind `openBrowserDatabase`. Every tab starts one; PGlite's `worker()` lets only
 * the one holding the origin-wide election lock run `init`, so exactly one worker per database
 * ever opens it, and the other tabs' queries are forwarded to it.
 *
 * The leader also answers a small control protocol on a BroadcastChannel (`describe`, `flush`),
 * because PGlite's own RPC has no way to say where the data lives or to wait until it is durable,
 * and because a failed open would otherwise leave every tab waiting forever.
 */
import { PGlite } from '@electric-sql/pglite';
import { worker } from '@electric-sql/pglite/worker';
import { browserMigrations } from '@platform/schema/browser-migrations';
import type { UnavailableReason } from '../errors.ts';
import { platformExtensions } from '../extensions.ts';
import { MigrationError, migrate } from '../migrator.ts';
import type { StorageLocation } from './types.ts';

/** Which storage the leader may use; `auto` keeps an existing database where it is. */
export type StoragePreference = 'auto' | 'opfs' | 'indexeddb';

/** Passed through PGliteWorker's `meta` option: everything the leader needs to open. */
export interface WorkerMeta {
  readonly name: string;
  readonly storage: StoragePreference;
  /** BroadcastChannel of the control protocol (named by the tab so both sides agree). */
  readonly channel: string;
}

export interface ControlRequest {
  readonly type: 'request';
  readonly id: string;
  readonly op: 'describe' | 'flush';
}

export interface ControlFailure {
  readonly reason: UnavailableReason;
  /** `QuotaExceededError` when the browser ran out of room; the tab maps it to its own error. */
  readonly name: string;
  readonly message: string;
}

export type ControlResponse =
  | { readonly type: 'response'; readonly id: string; readonly location: StorageLocation }
  | { readonly type: 'response'; readonly id: string; readonly failure: ControlFailure };

/**
 * Posted by the elected worker to its own tab: PGliteWorker's `isLeader` misses the news when the
 * election is won before the tab has subscribed to it.
 */
export interface LeaderNotice {
  readonly type: 'platform-storage:leader';
}

/**
 * How long after a write the IndexedDB fallback promises to have it stored. PGlite (relaxed)
 * starts an IndexedDB sync as soon as a statement ends and folds later ones into the next sync,
 * so a write is stored by the end of at most two syncs; a sync of a small database takes
 * 0.3–0.5 s on a slow machine.
 */
const INDEXEDDB_FLUSH_WINDOW_MS = 1_000;

/** PGlite's IndexedDB filesystem names its database after the mount point. */
const idbDatabaseName = (name: string) => `/pglite/${name}`;
const OPFS_ROOT = 'pglite';
const opfsPath = (name: string) => `${OPFS_ROOT}/${name}`;

class OpenFailure extends Error {
  override readonly name = 'OpenFailure';
  constructor(
    readonly reason: UnavailableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface Opened {
  readonly db: PGlite;
  readonly location: StorageLocation;
  /** Resolves when every statement that finished before the call is durable. */
  flush(): Promise<void>;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  // Emscripten's FS errors are plain objects with an errno.
  if (error && typeof error === 'object' && 'errno' in error) return `errno ${String(error.errno)}`;
  return String(error);
}

function isControlFailure(value: unknown): value is ControlFailure {
  return !!value && typeof value === 'object' && 'reason' in value && 'message' in value;
}

function toFailure(error: unknown): ControlFailure {
  if (isControlFailure(error) && !(error instanceof Error)) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : 'Error';
  if (error instanceof OpenFailure) return { reason: error.reason, name, message: error.message };
  return { reason: 'open-failed', name, message: describeError(error) };
}

/** A failed flush means the browser refused the write (quota, a broken IndexedDB). */
function flushFailure(error: unknown): ControlFailure {
  const failure = toFailure(error);
  return {
    ...failure,
    reason: 'indexeddb-unavailable',
    message: `Could not store the latest changes: ${failure.message}`,
  };
}

function isWorkerMeta(value: unknown): value is WorkerMeta {
  if (!value || typeof value !== 'object') return false;
  const meta = value as Record<string, unknown>;
  return (
    typeof meta.name === 'string' &&
    typeof meta.channel === 'string' &&
    (meta.storage === 'auto' || meta.storage === 'opfs' || meta.storage === 'indexeddb')
  );
}

function isControlRequest(value: unknown): value is ControlRequest {
  if (!value || typeof value !== 'object') return false;
  const message = value as Record<string, unknown>;
  return (
    message.type === 'request' &&
    typeof message.id === 'string' &&
    (message.op === 'describe' || message.op === 'flush')
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// FileSystemSyncAccessHandle exists only in dedicated workers, so it is typed loosely here (the
// package is checked against the DOM library, not the worker one).
interface SyncAccessHandleLike {
  close(): void;
}
type SyncAccessFileHandle = FileSystemFileHandle & {
  createSyncAccessHandle(): Promise<SyncAccessHandleLike>;
};

function hasSyncAccessHandles(): boolean {
  return (
    typeof navigator.storage?.getDirectory === 'function' &&
    typeof FileSystemFileHandle !== 'undefined' &&
    'createSyncAccessHandle' in FileSystemFileHandle.prototype
  );
}

async function opfsDirectory(path: string): Promise<FileSystemDirectoryHandle | null> {
  let dir = await navigator.storage.getDirectory();
  for (const part of path.split('/')) {
    try {
      dir = await dir.getDirectoryHandle(part);
    } catch (error) {
      if (error instanceof DOMException && error.name === 'NotFoundError') return null;
      throw error;
    }
  }
  return dir;
}

/**
 * Runs `fn` again while OPFS reports the files busy: a previous leader (a tab that just closed)
 * may hold their exclusive access handles for a moment after its election lock was released.
 */
async function whileBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const busy =
        error instanceof DOMException &&
        (error.name === 'NoModificationAllowedError' || error.name === 'InvalidModificationError');
      if (!busy || attempt >= 50) throw error;
      await sleep(200);
    }
  }
}

/**
 * Written beside the database once it was created and migrated. PGlite's OPFS filesystem writes
 * straight through, so a first open cut short (the tab closed during its long initdb) leaves a
 * half-made data directory that would never start; without the marker it is known to hold no
 * user data and is made again.
 */
const createdMarker = (name: string) => `${name}.created`;

async function opfsFileExists(dir: FileSystemDirectoryHandle, file: string): Promise<boolean> {
  try {
    await dir.getFileHandle(file);
    return true;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return false;
    throw error;
  }
}

async function opfsDatabaseCreated(name: string): Promise<boolean> {
  const parent = await opfsDirectory(OPFS_ROOT);
  return parent !== null && (await opfsFileExists(parent, createdMarker(name)));
}

async function markOpfsDatabaseCreated(name: string): Promise<void> {
  const parent = await navigator.storage.getDirectory();
  const root = await parent.getDirectoryHandle(OPFS_ROOT, { create: true });
  await root.getFileHandle(createdMarker(name), { create: true });
}

async function removeOpfsDatabase(name: string, { wait = true } = {}): Promise<void> {
  const parent = await opfsDirectory(OPFS_ROOT);
  if (!parent) return;
  const remove = async () => {
    try {
      await parent.removeEntry(name, { recursive: true });
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
    }
  };
  await (wait ? whileBusy(remove) : remove());
}

/** Waits until no other worker holds the database's files (see `whileBusy`). */
async function waitForOpfsHandles(name: string): Promise<void> {
  const dir = await opfsDirectory(opfsPath(name));
  if (!dir || !(await opfsFileExists(dir, 'state.txt'))) return;
  const state = (await dir.getFileHandle('state.txt')) as SyncAccessFileHandle;
  await whileBusy(async () => (await state.createSyncAccessHandle()).close());
}

async function idbDatabaseExists(name: string): Promise<boolean> {
  const wanted = idbDatabaseName(name);
  if (typeof indexedDB.databases === 'function') {
    const databases = await indexedDB.databases();
    return databases.some((database) => database.name === wanted);
  }
  // Without databases(): an open that must create the database is aborted, so nothing is left.
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(wanted);
    request.onupgradeneeded = () => request.transaction?.abort();
    request.onsuccess = () => {
      request.result.close();
      resolve(true);
    };
    request.onerror = () => {
      if (request.error?.name === 'AbortError') resolve(false);
      else reject(request.error);
    };
  });
}

type Backend = 'opfs' | 'indexeddb';

/**
 * Where the database lives: where it already is (an existing database must never be shadowed by
 * a new empty one), else OPFS when this worker has sync access handles, else IndexedDB.
 */
async function chooseBackend(meta: WorkerMeta): Promise<Backend> {
  const idbAvailable = typeof indexedDB !== 'undefined';
  if (meta.storage === 'indexeddb') {
    if (!idbAvailable) {
      throw new OpenFailure('indexeddb-unavailable', 'IndexedDB is not available here.');
    }
    return 'indexeddb';
  }
  if (meta.storage === 'opfs') {
    if (!hasSyncAccessHandles()) {
      throw new OpenFailure('opfs-unavailable', 'OPFS sync access handles are not available.');
    }
    return 'opfs';
  }
  const opfs = hasSyncAccessHandles();
  if (opfs && (await opfsDatabaseCreated(meta.name))) return 'opfs';
  if (idbAvailable && (await idbDatabaseExists(meta.name).catch(() => false))) return 'indexeddb';
  if (opfs) return 'opfs';
  if (!idbAvailable) {
    throw new OpenFailure('indexeddb-unavailable', 'Neither OPFS nor IndexedDB is available.');
  }
  return 'indexeddb';
}

/**
 * Counts the filesystem syncs PGlite runs, so a flush can wait for one that started after it was
 * asked: PGlite's relaxed `syncToFs()` only schedules a sync and returns.
 */
function trackSyncs(db: PGlite): () => Promise<void> {
  const fs = db.fs;
  if (!fs) throw new OpenFailure('open-failed', 'PGlite has no filesystem to flush.');
  const sync = fs.syncToFs.bind(fs);
  let started = 0;
  let waiters: { target: number; resolve(): void; reject(error: unknown): void }[] = [];
  const settle = (seq: number, error: unknown) => {
    const due = waiters.filter((waiter) => waiter.target <= seq);
    waiters = waiters.filter((waiter) => waiter.target > seq);
    for (const waiter of due) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  };
  // PGlite runs these one at a time under its own mutex, so they settle in `seq` order.
  fs.syncToFs = async (relaxedDurability?: boolean) => {
    const seq = ++started;
    try {
      await sync(relaxedDurability);
    } catch (error) {
      settle(seq, error ?? new Error('IndexedDB sync failed'));
      throw error;
    }
    settle(seq, undefined);
  };
  return async () => {
    // The next sync to start begins after every statement so far, so it carries all of them.
    const done = new Promise<void>((resolve, reject) => {
      waiters.push({ target: started + 1, resolve, reject });
    });
    await db.syncToFs();
    await done;
  };
}

async function openDatabase(meta: WorkerMeta): Promise<Opened> {
  let backend = await chooseBackend(meta);
  let db: PGlite | undefined;
  let created = false;
  if (backend === 'opfs') {
    created = await opfsDatabaseCreated(meta.name);
    try {
      if (created) await waitForOpfsHandles(meta.name);
      else await removeOpfsDatabase(meta.name);
      db = await PGlite.create(`opfs-ahp://${opfsPath(meta.name)}`, {
        extensions: platformExtensions,
      });
    } catch (cause) {
      // A database that exists in OPFS must never be replaced by a new empty one elsewhere.
      if (created || meta.storage === 'opfs') {
        throw new OpenFailure(
          'open-failed',
          `Could not open the OPFS database: ${describeError(cause)}`,
          { cause },
        );
      }
      // A new one that OPFS cannot hold (Safari caps open access handles below what the pool
      // needs) starts in IndexedDB instead, where later opens then find it.
      // Handles this worker still holds may keep it; the next open then clears what is left.
      await removeOpfsDatabase(meta.name, { wait: false }).catch(() => undefined);
      backend = 'indexeddb';
    }
  }
  if (backend === 'indexeddb') {
    try {
      db = await PGlite.create(`idb://${meta.name}`, {
        extensions: platformExtensions,
        relaxedDurability: true,
      });
    } catch (cause) {
      throw new OpenFailure(
        'open-failed',
        `Could not open the IndexedDB database: ${describeError(cause)}`,
        {
          cause,
        },
      );
    }
  }
  if (!db) throw new OpenFailure('open-failed', 'No storage backend could be opened.');

  try {
    await migrate(db, browserMigrations);
  } catch (cause) {
    await db.close().catch(() => undefined);
    if (cause instanceof MigrationError) {
      throw new OpenFailure('migration-failed', cause.message, { cause });
    }
    throw new OpenFailure('open-failed', `Could not migrate: ${describeError(cause)}`, { cause });
  }

  if (backend === 'opfs') {
    if (!created) await markOpfsDatabaseCreated(meta.name);
    return {
      db,
      location: {
        kind: 'opfs',
        dataDir: `opfs-ahp://${opfsPath(meta.name)}`,
        durability: 'durable',
        flushWindowMs: null,
      },
      // Each statement's writes reached OPFS through synchronous access handles, and its WAL was
      // flushed, before its result was sent: nothing is left to wait for.
      flush: async () => {},
    };
  }
  return {
    db,
    location: {
      kind: 'indexeddb',
      dataDir: `idb://${meta.name}`,
      durability: 'relaxed',
      flushWindowMs: INDEXEDDB_FLUSH_WINDOW_MS,
    },
    flush: trackSyncs(db),
  };
}

/** Runs in the elected worker only: opens the database and serves the control protocol. */
async function lead(meta: WorkerMeta): Promise<PGlite> {
  // Sent before opening, so it reaches the tab well before any answer that the open is done.
  postMessage({ type: 'platform-storage:leader' } satisfies LeaderNotice);
  const control = new BroadcastChannel(meta.channel);
  const opening = openDatabase(meta);
  // Avoid an unhandled rejection: the failure is reported to every tab through `control`.
  opening.catch(() => undefined);
  const inFlight = new Set<string>();
  control.onmessage = async (event: MessageEvent<unknown>) => {
    const request = event.data;
    // Tabs repeat a request until it is answered; one answer per id is enough.
    if (!isControlRequest(request) || inFlight.has(request.id)) return;
    inFlight.add(request.id);
    let response: ControlResponse;
    try {
      const opened = await opening;
      if (request.op === 'flush') {
        await opened.flush().catch((error: unknown) => {
          throw flushFailure(error);
        });
      }
      response = { type: 'response', id: request.id, location: opened.location };
    } catch (error) {
      response = { type: 'response', id: request.id, failure: toFailure(error) };
    }
    control.postMessage(response);
    setTimeout(() => inFlight.delete(request.id), 60_000);
  };
  const opened = await opening;
  return opened.db;
}

worker({
  async init(options) {
    const meta: unknown = options.meta;
    if (!isWorkerMeta(meta)) throw new Error('pglite.worker: missing or invalid meta');
    return lead(meta);
  },
});
