import { QuotaExceededError, StorageUnavailableError } from '../errors.ts';
import { LeaderLink } from './leader-link.ts';
import { requestPersistentStorage } from './persistence.ts';
import { channels, type StoragePreference, type WorkerConfig } from './protocol.ts';
import type { DatabaseHandle, StorageLocation } from './types.ts';
import { WorkerClient } from './worker-client.ts';

export { LeaderChangedError } from './leader-link.ts';
export type { StoragePreference } from './protocol.ts';

export interface BrowserDatabaseOptions {
  /** The database every tab of this origin shares under this name. Default `platform`. */
  readonly name?: string;
  /**
   * `auto` (default): an existing database stays where it is; a new one goes to OPFS where the
   * worker has sync access handles, else to IndexedDB. `opfs` / `indexeddb` force one.
   */
  readonly storage?: StoragePreference;
  /**
   * Ask the browser to keep the data under storage pressure. Default `true`. Chromium answers
   * silently; Firefox may prompt, so pass `false` there and ask from a user action instead.
   */
  readonly requestPersistence?: boolean;
  /**
   * How long to wait for the database or a flush before giving up. The first open of a new
   * database takes tens of seconds on slow machines; another tab may be the one opening it.
   */
  readonly timeoutMs?: number;
}

/** A tab's connection to the origin's shared platform database. */
export interface BrowserDatabaseHandle extends DatabaseHandle {
  /** Whether this tab's worker holds the database; other tabs forward their queries to it. */
  readonly isLeader: boolean;
  /** Called when this tab becomes the leader or another tab takes over. Returns unsubscribe. */
  onLeaderChange(listener: () => void): () => void;
}

const DEFAULT_TIMEOUT_MS = 180_000;

const handles = new Map<string, Promise<BrowserDatabaseHandle>>();

function timedOut(what: string, ms: number): StorageUnavailableError {
  return new StorageUnavailableError(
    'open-failed',
    `Timed out after ${ms} ms waiting for ${what}; the tab holding the database may be frozen or stuck.`,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function checkEnvironment(): void {
  if (
    typeof Worker === 'undefined' ||
    typeof BroadcastChannel === 'undefined' ||
    typeof navigator === 'undefined' ||
    !navigator.locks
  ) {
    throw new StorageUnavailableError(
      'open-failed',
      'This context lacks Worker, BroadcastChannel or Web Locks (is the page served over https?), which sharing the database between tabs needs.',
    );
  }
  if (typeof indexedDB === 'undefined' && typeof navigator.storage?.getDirectory !== 'function') {
    throw new StorageUnavailableError(
      'indexeddb-unavailable',
      'Neither IndexedDB nor OPFS is available in this browser.',
    );
  }
}

/**
 * Holds a lock named for this tab until `release` is called: the leader waits on it to learn
 * that the tab has gone, and then rolls back any transaction the tab left open.
 */
async function holdTabLock(name: string): Promise<() => void> {
  let release: () => void = () => undefined;
  await new Promise<void>((granted) => {
    void navigator.locks.request(name, () => {
      granted();
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    });
  });
  return release;
}

async function open(
  name: string,
  options: BrowserDatabaseOptions,
  forget: () => void,
): Promise<BrowserDatabaseHandle> {
  checkEnvironment();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (options.requestPersistence !== false) void requestPersistentStorage();

  const tab = crypto.randomUUID();
  const releaseTab = await holdTabLock(channels(name).tabLock(tab));
  const worker = new Worker(new URL('./pglite.worker.ts', import.meta.url), {
    type: 'module',
    name: `platform-storage:${name}`,
  });
  const link = new LeaderLink(worker, name, tab);
  const config: WorkerConfig = {
    type: 'platform-storage:config',
    name,
    storage: options.storage ?? 'auto',
  };
  worker.postMessage(config);
  worker.addEventListener('error', (event) => {
    link.failAll(
      new StorageUnavailableError(
        'open-failed',
        `The database worker failed: ${event.message || 'it could not be loaded'}.`,
      ),
    );
  });
  const shutDown = () => {
    link.close();
    worker.terminate();
    releaseTab();
  };

  let location: StorageLocation;
  try {
    // Answered once the leader (this tab's worker or another's) has opened and migrated it.
    location = (await withTimeout(
      link.call({ op: 'describe' }),
      timeoutMs,
      'the database',
    )) as StorageLocation;
  } catch (error) {
    shutDown();
    if (error instanceof StorageUnavailableError || error instanceof QuotaExceededError) {
      throw error;
    }
    throw new StorageUnavailableError('open-failed', `Could not open the database ${name}.`, {
      cause: error,
    });
  }

  let closed = false;
  const flushNow = async (): Promise<void> => {
    if (closed) throw new StorageUnavailableError('closed', 'The database is closed.');
    await withTimeout(link.call({ op: 'flush' }), timeoutMs, 'the database to store its changes');
  };
  // A hidden page may be closed or killed without further notice: get its writes stored now.
  // The flush runs in the leader's worker, which may be another tab's.
  const flushSoon = () => {
    if (!closed) flushNow().catch(() => undefined);
  };
  const onVisibilityChange = () => {
    if (document.visibilityState === 'hidden') flushSoon();
  };
  // Absent when the studio itself runs the client inside a worker.
  const page = typeof document === 'undefined' ? undefined : document;
  addEventListener('pagehide', flushSoon);
  page?.addEventListener('visibilitychange', onVisibilityChange);

  return {
    pg: new WorkerClient((operation) => link.call(operation)),
    location,
    get isLeader() {
      return link.isLeader;
    },
    onLeaderChange: (listener) => link.onLeaderChange(listener),
    flush: flushNow,
    async close() {
      if (closed) return;
      let failure: unknown;
      try {
        await flushNow();
      } catch (error) {
        failure = error;
      }
      closed = true;
      removeEventListener('pagehide', flushSoon);
      page?.removeEventListener('visibilitychange', onVisibilityChange);
      forget();
      // Ends this tab's worker; if it led, another tab's worker is elected and reopens.
      shutDown();
      if (failure !== undefined) throw failure;
    },
  };
}

/**
 * Opens (creating and migrating when needed) the platform database shared by every tab of this
 * origin. One worker per database, elected across tabs, holds it: in OPFS, where every write
 * that resolved is in the files (on the disk itself within `location.flushWindowMs`), or in
 * IndexedDB with relaxed durability (stored within `location.flushWindowMs`). A flush starts
 * when any tab is hidden, and `flush()` / `close()` wait for it. Repeated calls in a tab return the same handle until it is closed; close it, not
 * `pg`, so the last writes are flushed first.
 *
 * @throws StorageUnavailableError `indexeddb-unavailable`, `opfs-unavailable`, `open-failed`,
 *   `migration-failed`.
 */
export function openBrowserDatabase(
  options: BrowserDatabaseOptions = {},
): Promise<BrowserDatabaseHandle> {
  const name = options.name ?? 'platform';
  const existing = handles.get(name);
  if (existing) return existing;
  const forget = () => {
    if (handles.get(name) === opening) handles.delete(name);
  };
  const opening = open(name, options, forget);
  handles.set(name, opening);
  opening.catch(forget);
  return opening;
}
