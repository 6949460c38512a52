/**
 * Opening the platform database inside the leader worker: where it lives (OPFS or IndexedDB),
 * creating it (from the prebuilt data directory) and migrating it, and what `flush()` has to
 * wait for on each.
 */
import {
  url as prebuiltDatabaseUrl,
  files as prebuiltFiles,
} from 'virtual:platform-prebuilt-database';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { browserMigrations } from '@platform/schema/browser-migrations';
import type { UnavailableReason } from '../errors.ts';
import { platformExtensions } from '../extensions.ts';
import { MigrationError, migrate } from '../migrator.ts';
import { initialiseDataDirectory } from '../prebuilt/initialise.ts';
import { platformStartParams } from '../start-params.ts';
import { EarlyOpfsAhpFS, newDatabasePoolSize } from './opfs-pool.ts';
import {
  fetchDataDirectory,
  PendingTar,
  type PGliteArtifacts,
  startPGliteArtifacts,
} from './pglite-artifacts.ts';
import type { WorkerConfig } from './protocol.ts';
import type { StorageLocation } from './types.ts';

/**
 * OPFS: PGlite writes through synchronous access handles straight into the files while a
 * statement runs, so a resolved write survives the tab and the browser being killed. Flushing
 * those files to the disk (fsync) costs about 2 ms, ten times the insert itself, so it runs at
 * most this often in the background, folding the writes in between, like SQLite's
 * `synchronous=NORMAL`: only an operating-system crash or power cut inside the window loses them.
 */
const OPFS_FLUSH_DELAY_MS = 100;
const OPFS_FLUSH_WINDOW_MS = 250;

/** PGlite's IndexedDB filesystem names its database after the mount point. */
const idbDatabaseName = (name: string) => `/pglite/${name}`;
const OPFS_ROOT = 'pglite';
const opfsPath = (name: string) => `${OPFS_ROOT}/${name}`;

export class OpenFailure extends Error {
  override readonly name = 'OpenFailure';
  constructor(
    readonly reason: UnavailableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Opened {
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
  if (!dir) return;
  let state: SyncAccessFileHandle;
  try {
    state = (await dir.getFileHandle('state.txt')) as SyncAccessFileHandle;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return;
    throw error;
  }
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

interface Choice {
  readonly backend: Backend;
  /** OPFS: whether a finished database is there (its marker), found once for the whole open. */
  readonly opfsCreated: boolean;
}

/**
 * Where the database lives: where it already is (an existing database must never be shadowed by
 * a new empty one), else OPFS when this worker has sync access handles, else IndexedDB. The wait
 * for a previous leader's OPFS handles runs beside the marker lookup rather than after it: on a
 * warm visit both are on the path to the pool opening.
 */
async function chooseBackend(config: WorkerConfig): Promise<Choice> {
  const idbAvailable = typeof indexedDB !== 'undefined';
  if (config.storage === 'indexeddb') {
    if (!idbAvailable) {
      throw new OpenFailure('indexeddb-unavailable', 'IndexedDB is not available here.');
    }
    return { backend: 'indexeddb', opfsCreated: false };
  }
  const opfs = hasSyncAccessHandles();
  if (config.storage === 'opfs' && !opfs) {
    throw new OpenFailure('opfs-unavailable', 'OPFS sync access handles are not available.');
  }
  const [opfsCreated] = opfs
    ? await Promise.all([opfsDatabaseCreated(config.name), waitForOpfsHandles(config.name)])
    : [false];
  if (config.storage === 'opfs' || opfsCreated) return { backend: 'opfs', opfsCreated };
  if (idbAvailable && (await idbDatabaseExists(config.name).catch(() => false))) {
    return { backend: 'indexeddb', opfsCreated: false };
  }
  if (opfs) return { backend: 'opfs', opfsCreated: false };
  if (!idbAvailable) {
    throw new OpenFailure('indexeddb-unavailable', 'Neither OPFS nor IndexedDB is available.');
  }
  return { backend: 'indexeddb', opfsCreated: false };
}

/**
 * Defers the fsync of the OPFS files to at most `OPFS_FLUSH_DELAY_MS` after a write, and runs it
 * at once on request. PGlite still runs its filesystem's whole sync after every statement and
 * waits for it (its relaxed mode would run that sync alongside later statements, which breaks
 * OPFS-AHP's bookkeeping: migrations fail with "cannot drop active portal"); only the flush
 * inside it is taken out and scheduled.
 */
function deferOpfsFlush(db: PGlite): () => Promise<void> {
  // `flush()` is OPFS-AHP's own (it fsyncs the WAL and state files), not on the base type.
  const fs = db.fs as (NonNullable<PGlite['fs']> & { flush?: () => void }) | undefined;
  const flushFiles = fs?.flush?.bind(fs);
  if (!fs || !flushFiles) {
    throw new OpenFailure('open-failed', "PGlite's OPFS filesystem cannot flush.");
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flushNow = () => {
    clearTimeout(timer);
    timer = undefined;
    flushFiles();
  };
  fs.flush = () => {
    timer ??= setTimeout(flushNow, OPFS_FLUSH_DELAY_MS);
  };
  // Statements run synchronously in this thread, so every write that resolved is in the files.
  return async () => flushNow();
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

/**
 * What a new database starts from: the prebuilt directory or, when it cannot be fetched (the
 * network lost after the page loaded), a directory initialised here, as PGlite itself would
 * (without the templates, as the prebuilt one), then migrated from the first migration: slower,
 * same result.
 */
function startingDirectory(artifacts: PGliteArtifacts): Promise<ArrayBuffer> {
  return fetchDataDirectory(prebuiltDatabaseUrl).catch(async () =>
    initialiseDataDirectory({
      pgliteWasmModule: await artifacts.wasmModule,
      fsBundle: await artifacts.fsBundle,
    }),
  );
}

/**
 * What `PGlite.create` is given: the artifacts downloading since the worker started and, for a
 * new database, its starting directory, still downloading (see `PendingTar`).
 */
async function createOptions(
  artifacts: PGliteArtifacts,
  startFrom: Promise<ArrayBuffer> | null,
): Promise<PGliteOptions> {
  const [pgliteWasmModule, fsBundle] = await Promise.all([
    artifacts.wasmModule,
    artifacts.fsBundle,
  ]);
  return {
    extensions: platformExtensions,
    startParams: [...platformStartParams],
    pgliteWasmModule,
    fsBundle,
    ...(startFrom ? { loadDataDir: new PendingTar(startFrom) } : {}),
  };
}

export async function openDatabase(config: WorkerConfig): Promise<Opened> {
  const artifacts = startPGliteArtifacts();
  // Started as soon as the database is known to be new, so it downloads while the pool opens.
  let starting: Promise<ArrayBuffer> | null = null;
  const startFrom = () => {
    starting ??= startingDirectory(artifacts);
    // Awaited by PGlite through `PendingTar`; a failure is reported there.
    starting.catch(() => undefined);
    return starting;
  };
  const choice = await chooseBackend(config);
  let backend = choice.backend;
  const created = choice.opfsCreated;
  let db: PGlite | undefined;
  if (backend === 'opfs') {
    if (!created) startFrom();
    try {
      if (!created) await removeOpfsDatabase(config.name);
      // Its handles start opening now, while the wasm compiles.
      const fs = new EarlyOpfsAhpFS(opfsPath(config.name), newDatabasePoolSize(prebuiltFiles));
      db = await PGlite.create({
        fs,
        ...(await createOptions(artifacts, created ? null : startFrom())),
      });
    } catch (cause) {
      // A database that exists in OPFS must never be replaced by a new empty one elsewhere.
      if (created || config.storage === 'opfs') {
        throw new OpenFailure(
          'open-failed',
          `Could not open the OPFS database: ${describeError(cause)}`,
          { cause },
        );
      }
      // A new one that OPFS cannot hold (Safari caps open access handles below what the pool
      // needs) starts in IndexedDB instead, where later opens then find it.
      // Handles this worker still holds may keep it; the next open then clears what is left.
      await removeOpfsDatabase(config.name, { wait: false }).catch(() => undefined);
      backend = 'indexeddb';
    }
  }
  if (backend === 'indexeddb') {
    try {
      // An existing database (even one without data yet) is opened as it is: PGlite refuses to
      // load a directory over one.
      const fresh = !(await idbDatabaseExists(config.name).catch(() => true));
      db = await PGlite.create(`idb://${config.name}`, {
        ...(await createOptions(artifacts, fresh ? startFrom() : null)),
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
    if (!created) await markOpfsDatabaseCreated(config.name);
    return {
      db,
      location: {
        kind: 'opfs',
        dataDir: `opfs-ahp://${opfsPath(config.name)}`,
        durability: 'durable',
        flushWindowMs: OPFS_FLUSH_WINDOW_MS,
      },
      flush: deferOpfsFlush(db),
    };
  }
  return {
    db,
    location: {
      kind: 'indexeddb',
      dataDir: `idb://${config.name}`,
      durability: 'relaxed',
      flushWindowMs: null,
    },
    flush: trackSyncs(db),
  };
}
