import { PGliteWorker } from '@electric-sql/pglite/worker';
import { QuotaExceededError, type StorageError, StorageUnavailableError } from '../errors.ts';
import { requestPersistentStorage } from './persistence.ts';
import type {
  ControlFailure,
  ControlRequest,
  ControlResponse,
  LeaderNotice,
  StoragePreference,
  WorkerMeta,
} from './pglite.worker.ts';
import type { DatabaseHandle, StorageLocation } from './types.ts';

export type { StoragePreference } from './pglite.worker.ts';

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
/** Requests are repeated this often until answered: the leader may still be being elected. */
const RESEND_MS = 100;

const LEADER_NOTICE: LeaderNotice['type'] = 'platform-storage:leader';

const handles = new Map<string, Promise<BrowserDatabaseHandle>>();

function newId(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function toStorageError(failure: ControlFailure): StorageError {
  if (failure.name === 'QuotaExceededError') {
    return new QuotaExceededError(undefined, { cause: failure });
  }
  return new StorageUnavailableError(failure.reason, failure.message, { cause: failure });
}

function isControlResponse(value: unknown): value is ControlResponse {
  if (!value || typeof value !== 'object') return false;
  const message = value as Record<string, unknown>;
  return message.type === 'response' && typeof message.id === 'string';
}

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

interface Pending {
  readonly request: ControlRequest;
  resolve(location: StorageLocation): void;
  reject(error: unknown): void;
}

/** The tab's side of the leader's control channel (see `pglite.worker.ts`). */
class ControlClient {
  readonly #channel: BroadcastChannel;
  readonly #pending = new Map<string, Pending>();
  #resender: ReturnType<typeof setInterval> | undefined;

  constructor(name: string) {
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (event: MessageEvent<unknown>) => {
      const response = event.data;
      if (!isControlResponse(response)) return;
      const pending = this.#pending.get(response.id);
      if (!pending) return;
      this.#forget(response.id);
      if ('failure' in response) pending.reject(toStorageError(response.failure));
      else pending.resolve(response.location);
    };
  }

  request(op: ControlRequest['op'], timeoutMs: number): Promise<StorageLocation> {
    const request: ControlRequest = { type: 'request', id: newId(), op };
    const answered = new Promise<StorageLocation>((resolve, reject) => {
      this.#pending.set(request.id, { request, resolve, reject });
    });
    this.#channel.postMessage(request);
    this.#resender ??= setInterval(() => this.resend(), RESEND_MS);
    return withTimeout(answered, timeoutMs, `the database (${op})`).finally(() =>
      this.#forget(request.id),
    );
  }

  /** Repeats unanswered requests, e.g. for a leader elected after they were first sent. */
  resend(): void {
    for (const { request } of this.#pending.values()) this.#channel.postMessage(request);
  }

  close(): void {
    for (const pending of this.#pending.values()) {
      pending.reject(new StorageUnavailableError('closed', 'The database was closed.'));
    }
    this.#pending.clear();
    clearInterval(this.#resender);
    this.#channel.close();
  }

  #forget(id: string): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0) {
      clearInterval(this.#resender);
      this.#resender = undefined;
    }
  }
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

async function open(
  name: string,
  options: BrowserDatabaseOptions,
  forget: () => void,
): Promise<BrowserDatabaseHandle> {
  checkEnvironment();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const meta: WorkerMeta = {
    name,
    storage: options.storage ?? 'auto',
    channel: `platform-storage:${name}:control`,
  };
  if (options.requestPersistence !== false) void requestPersistentStorage();

  const control = new ControlClient(meta.channel);
  const worker = new Worker(new URL('./pglite.worker.ts', import.meta.url), {
    type: 'module',
    name: `platform-storage:${name}`,
  });
  const workerFailed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      reject(
        new StorageUnavailableError(
          'open-failed',
          `The database worker failed: ${event.message || 'it could not be loaded'}.`,
        ),
      );
    });
  });
  workerFailed.catch(() => undefined);
  // Subscribed before the worker can post anything, so the notice cannot be missed.
  const leadership = new EventTarget();
  let leading = false;
  worker.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data as Partial<LeaderNotice> | null;
    if (data?.type !== LEADER_NOTICE) return;
    leading = true;
    leadership.dispatchEvent(new Event('change'));
  });

  let pg: PGliteWorker | undefined;
  let location: StorageLocation;
  try {
    // A fixed lock id (not PGlite's default, the worker script's URL) so that tabs running
    // different builds of the app still elect a single leader for the same database.
    const created = PGliteWorker.create(worker, { id: `platform-storage:${name}`, meta });
    pg = await withTimeout(Promise.race([created, workerFailed]), timeoutMs, 'the database worker');
    // Another tab's worker took over (its predecessor closed): unanswered requests go to it.
    pg.onLeaderChange(() => {
      control.resend();
      leadership.dispatchEvent(new Event('change'));
    });
    location = await Promise.race([control.request('describe', timeoutMs), workerFailed]);
    await withTimeout(pg.waitReady, timeoutMs, 'the database connection');
  } catch (error) {
    control.close();
    if (pg) await pg.close().catch(() => undefined);
    else worker.terminate();
    if (error instanceof StorageUnavailableError || error instanceof QuotaExceededError)
      throw error;
    throw new StorageUnavailableError('open-failed', `Could not open the database ${name}.`, {
      cause: error,
    });
  }
  const client = pg;

  let closed = false;
  const flushNow = async (): Promise<void> => {
    if (closed) throw new StorageUnavailableError('closed', 'The database is closed.');
    await control.request('flush', timeoutMs);
  };
  // A hidden page may be closed or killed without further notice: get its writes stored now.
  // The flush must run in the leader's worker, which may be another tab's; the channel gets it
  // there, and a leader closing itself still gets a head start on its last sync.
  const flushSoon = () => {
    if (!closed && location.durability === 'relaxed') flushNow().catch(() => undefined);
  };
  const onVisibilityChange = () => {
    if (document.visibilityState === 'hidden') flushSoon();
  };
  // Absent when the studio itself runs the client inside a worker.
  const page = typeof document === 'undefined' ? undefined : document;
  addEventListener('pagehide', flushSoon);
  page?.addEventListener('visibilitychange', onVisibilityChange);

  const handle: BrowserDatabaseHandle = {
    pg: client,
    location,
    get isLeader() {
      return leading;
    },
    onLeaderChange(listener) {
      const onChange = () => listener();
      leadership.addEventListener('change', onChange);
      return () => leadership.removeEventListener('change', onChange);
    },
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
      control.close();
      // Ends this tab's worker; if it led, another tab's worker is elected and reopens.
      await client.close();
      if (failure !== undefined) throw failure;
    },
  };
  return handle;
}

/**
 * Opens (creating and migrating when needed) the platform database shared by every tab of this
 * origin. One worker per database, elected across tabs, holds it: in OPFS, where every write
 * that resolved is durable, or in IndexedDB with relaxed durability (stored within
 * `location.flushWindowMs`; a flush starts when any tab is hidden, and `flush()` / `close()` wait
 * for it). Repeated calls in a tab return the same handle until it is closed; close it, not
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
