import {
  type BackoffOptions,
  type ChangeMessage,
  FetchError,
  isChangeMessage,
  isControlMessage,
  type Message,
  type Row,
  ShapeStream,
} from '@electric-sql/client';
import type { SyncBridge } from '@platform/storage';
import {
  MAX_PUSH_BATCH,
  MAX_PUSH_BYTES,
  type Mutation,
  SERVER_TIME_HEADER,
} from '../protocol/messages.ts';
import { SYNCED_TABLES, type SyncedTable } from '../protocol/tables.ts';
import { applyShapeBatch, loadPositions, type ShapePosition } from './apply-shape.ts';
import { adjustClockOffset, CLOCK_JUMP_MS, clockOffset } from './clock.ts';
import { applyAcks, nextMutations, pendingCount, type RejectedChange } from './outbox.ts';
import { SyncServerApi, SyncServerError } from './server-api.ts';

export type SyncState =
  | 'starting' // opening the shapes, first push not done
  | 'syncing' // changes going out or coming in
  | 'synced' // nothing pending, every shape up to date
  | 'offline' // the server cannot be reached; changes wait in the outbox
  | 'signed-out' // the session ended: log in again to go on
  | 'error' // something the user should read (`error`)
  | 'stopped';

export interface SyncStatus {
  state: SyncState;
  /** Local changes not yet accepted by the server. */
  pending: number;
  /** When every shape was last up to date with nothing pending. */
  lastSyncedAt: Date | null;
  /** Why the state is offline, error or signed-out. */
  error: string | null;
  /** Changes the server refused since the client started (kept here, not on the server). */
  rejected: RejectedChange[];
}

export interface RetryOptions {
  /** First wait after a failed push (ms). */
  initialMs: number;
  /** Longest wait between retries (ms). */
  maxMs: number;
}

export interface SyncClientOptions {
  bridge: SyncBridge;
  /** The sync server (apps/server), e.g. the studio's own origin. */
  serverUrl: string;
  /** Sends the session cookie; default: the global fetch with `credentials: 'include'`. */
  fetch?: typeof fetch;
  /** Mutations per push request (at most MAX_PUSH_BATCH). */
  batchSize?: number;
  retry?: RetryOptions;
  /** Wait after a local change before pushing, to send a burst of writes together (ms). */
  pushDelayMs?: number;
  /** How shapes retry when the server cannot be reached (default `DEFAULT_SHAPE_BACKOFF`). */
  shapeBackoff?: BackoffOptions;
  onStatus?(status: SyncStatus): void;
}

const DEFAULT_RETRY: RetryOptions = { initialMs: 1_000, maxMs: 60_000 };
/**
 * Electric's client waits 1 s after a failed shape request, doubling to 32 s. `reconnect()` (the
 * browser is back online) cannot cut such a wait short: `forceDisconnectAndRefresh` only aborts a
 * request in flight. So after a long time offline the shapes stayed behind for up to 32 s (a
 * loaded CI run saw the studio "syncing" for over a minute); capped at 8 s, they catch up within
 * 8 s of the network's return, at one request per shape every 8 s while the server is away.
 */
const DEFAULT_SHAPE_BACKOFF: BackoffOptions = {
  initialDelay: 1_000,
  maxDelay: 8_000,
  multiplier: 2,
};
/** How often a running client renews its session (the server's sessions last days). */
const SESSION_RENEWAL_MS = 6 * 3_600_000;
/**
 * How far a shape response's server time may disagree with the device's clock offset before
 * the clock is checked properly (a who-am-I round trip). A shape response gives no round trip,
 * so it only says the clock moved when it moved far more than a slow network explains.
 */
const SHAPE_CLOCK_HINT_MS = 5 * CLOCK_JUMP_MS;

/**
 * The first mutations of a batch that fit a request of a quarter of MAX_PUSH_BYTES (at least
 * one: any single mutation fits the server's limit); the rest go in the next request.
 */
export function fitInRequest(mutations: Mutation[]): Mutation[] {
  let bytes = 0;
  for (let i = 0; i < mutations.length; i++) {
    bytes += new TextEncoder().encode(JSON.stringify(mutations[i])).length;
    if (i > 0 && bytes > MAX_PUSH_BYTES / 4) return mutations.slice(0, i);
  }
  return mutations;
}

/**
 * Syncs one profile's PGlite with the server, the way Electric's write-patterns example does:
 * writes go to PGlite at once and into the outbox in the same transaction (a trigger); this
 * pushes the outbox in the background, in batches, retrying with backoff; the server decides
 * (last-write-wins by hybrid logical clock); Electric shapes bring every accepted row back, to
 * this device and every other, and are applied in transactions that also record where each
 * shape stands, so a reload resumes instead of downloading everything again.
 */
export class SyncClient {
  readonly api: SyncServerApi;
  readonly #bridge: SyncBridge;
  readonly #options: SyncClientOptions;
  readonly #retry: RetryOptions;
  readonly #streams = new Map<SyncedTable, ShapeStream<Row>>();
  readonly #upToDate = new Set<SyncedTable>();
  #abort: AbortController | null = null;
  #status: SyncStatus = {
    state: 'stopped',
    pending: 0,
    lastSyncedAt: null,
    error: null,
    rejected: [],
  };
  #pushTimer: ReturnType<typeof setTimeout> | null = null;
  #pushDue = 0;
  #pushing: Promise<void> | null = null;
  #pushAgain = false;
  #failures = 0;
  #pushError: SyncServerError | null = null;
  #shapeError: string | null = null;
  #savedSyncedAt = 0;
  #renewal: ReturnType<typeof setInterval> | null = null;
  #lastExchange = 0;
  #clockUnchecked = true;
  #clockCheck: Promise<void> | null = null;
  /** Shape batches run one at a time across tables: PGlite has one writer anyway. */
  #applying: Promise<unknown> = Promise.resolve();

  constructor(options: SyncClientOptions) {
    this.#options = options;
    this.#bridge = options.bridge;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.api = new SyncServerApi(options.serverUrl, options.fetch);
  }

  get status(): SyncStatus {
    return { ...this.#status, rejected: [...this.#status.rejected] };
  }

  get userId(): string {
    return this.#bridge.userId;
  }

  get running(): boolean {
    return this.#abort !== null;
  }

  /** Opens the shapes and pushes what is pending. Idempotent. */
  async start(): Promise<void> {
    if (this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.#upToDate.clear();
    this.#pushError = null;
    this.#shapeError = null;
    this.#failures = 0;
    this.#set({ state: 'starting', error: null });
    const positions = await loadPositions(this.#bridge.db, this.userId);
    const saved = await this.#bridge.db.query<{ last_sync_at: Date | null }>(
      'select last_sync_at from sync_config where id = $1',
      [this.userId],
    );
    this.#set({ lastSyncedAt: saved.rows[0]?.last_sync_at ?? this.#status.lastSyncedAt });
    if (abort.signal.aborted) return;
    for (const table of SYNCED_TABLES) this.#openShape(table, positions.get(table), abort.signal);
    await this.#refreshPending();
    this.schedulePush(0);
    // A studio that only reads still renews its session, so it is not signed out after a week.
    this.#renewal = setInterval(() => {
      this.api.me().catch((error: unknown) => {
        if (error instanceof SyncServerError && error.kind === 'unauthorized') {
          this.#set({ state: 'signed-out', error: error.message });
        }
      });
    }, SESSION_RENEWAL_MS);
    (this.#renewal as { unref?: () => void }).unref?.();
  }

  async stop(): Promise<void> {
    const abort = this.#abort;
    this.#abort = null;
    abort?.abort();
    for (const stream of this.#streams.values()) stream.unsubscribeAll();
    this.#streams.clear();
    if (this.#pushTimer) clearTimeout(this.#pushTimer);
    this.#pushTimer = null;
    if (this.#renewal) clearInterval(this.#renewal);
    this.#renewal = null;
    await this.#pushing?.catch(() => {});
    await this.#applying.catch(() => {});
    this.#set({ state: 'stopped' });
  }

  /**
   * The network is back (the browser's `online` event): reconnect the shapes now instead of at
   * the end of their backoff, and push what waited. The device was offline, so its clock may
   * have been changed meanwhile: the next push checks it first, even if no request failed.
   */
  reconnect(): void {
    if (!this.#abort) return;
    this.#clockUnchecked = true;
    for (const stream of this.#streams.values())
      void stream.forceDisconnectAndRefresh().catch(() => {});
    this.#failures = 0;
    this.schedulePush(0);
  }

  /** A local write happened (this tab or another): push it soon. */
  notifyLocalChange(): void {
    if (!this.#abort) return;
    void this.#refreshPending();
    this.schedulePush(this.#options.pushDelayMs ?? 50);
  }

  /** Pushes every pending change now; resolves when the outbox is empty or a push failed. */
  async pushNow(): Promise<void> {
    if (this.#pushTimer) clearTimeout(this.#pushTimer);
    this.#pushTimer = null;
    await this.#runPush();
    if (this.#pushError) throw this.#pushError;
  }

  /**
   * "Sync now": pushes everything, then has every shape ask the server again at once (a live
   * request would otherwise wait for its timeout) and waits until all of it is applied.
   */
  async syncNow(timeoutMs = 30_000): Promise<void> {
    await this.pushNow();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SyncServerError('offline', 'The server did not answer in time.')),
        timeoutMs,
      );
    });
    try {
      await Promise.race([
        (async () => {
          await Promise.all(
            [...this.#streams.values()].map((stream) => stream.forceDisconnectAndRefresh()),
          );
          while (this.#upToDate.size < SYNCED_TABLES.length) {
            if (this.#status.state === 'signed-out') {
              throw new SyncServerError('unauthorized', this.#status.error ?? 'Signed out.');
            }
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          await this.#applying;
        })(),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Pushes in `delayMs` at the latest. A push already due sooner stays as it is, so a steady
   * stream of writes cannot keep postponing it.
   */
  schedulePush(delayMs: number): void {
    if (!this.#abort) return;
    const due = Date.now() + delayMs;
    if (this.#pushTimer && this.#pushDue <= due) return;
    if (this.#pushTimer) clearTimeout(this.#pushTimer);
    this.#pushDue = due;
    this.#pushTimer = setTimeout(() => {
      this.#pushTimer = null;
      void this.#runPush();
    }, delayMs);
  }

  #openShape(table: SyncedTable, position: ShapePosition | undefined, signal: AbortSignal) {
    const stream = new ShapeStream<Row>({
      url: this.api.shapeUrl,
      params: { table } as never,
      signal,
      fetchClient: this.#shapeFetch,
      backoffOptions: this.#options.shapeBackoff ?? DEFAULT_SHAPE_BACKOFF,
      // Timestamps stay text: they go back into Postgres as they came.
      parser: { int8: (value: string) => value },
      ...(position ? { handle: position.handle, offset: position.offset as never } : {}),
      onError: (error) => {
        if (error instanceof FetchError && error.status === 401) {
          this.#set({ state: 'signed-out', error: 'Your session ended: log in again to sync.' });
          return;
        }
        this.#shapeError =
          error instanceof FetchError
            ? `The server answered ${error.status} for ${table}.`
            : (error as Error).message;
        this.#set({ state: 'error', error: this.#shapeError });
        // Retry the shape after a pause: the next attempt may succeed (the server restarted).
        return new Promise((resolve) => setTimeout(() => resolve({}), this.#retry.maxMs / 4));
      },
    });
    let buffer: ChangeMessage<Row>[] = [];
    let refetch = false;
    stream.subscribe(
      async (messages: Message<Row>[]) => {
        for (const message of messages) {
          if (isChangeMessage(message)) buffer.push(message);
          else if (isControlMessage(message) && message.headers.control === 'must-refetch') {
            buffer = [];
            refetch = true;
            this.#upToDate.delete(table);
          }
        }
        const done = messages.some(
          (m) => isControlMessage(m) && m.headers.control === 'up-to-date',
        );
        if (!done || !stream.shapeHandle) return;
        const batch = {
          table,
          userId: this.userId,
          messages: buffer,
          refetch,
          position: { handle: stream.shapeHandle, offset: stream.lastOffset },
        };
        buffer = [];
        refetch = false;
        const applied = this.#applying.then(async () => {
          if (signal.aborted) return;
          const changed = await this.#bridge.db.transaction((tx) => applyShapeBatch(tx, batch));
          if (changed > 0) this.#bridge.applied([table]);
        });
        this.#applying = applied.catch(() => {});
        try {
          await applied;
          this.#upToDate.add(table);
          this.#shapeError = null;
          this.#settle();
        } catch (error) {
          // Not applied, so the position was not saved either: a reload resumes before it.
          this.#set({
            state: 'error',
            error: `Applying ${table} failed: ${(error as Error).message}`,
          });
        }
      },
      () => {},
    );
    this.#streams.set(table, stream);
  }

  async #runPush(): Promise<void> {
    if (this.#pushing) {
      this.#pushAgain = true;
      return this.#pushing;
    }
    this.#pushing = (async () => {
      do {
        this.#pushAgain = false;
        await this.#pushAll();
      } while (this.#pushAgain && this.#abort && !this.#pushError);
    })().finally(() => {
      this.#pushing = null;
    });
    return this.#pushing;
  }

  /**
   * Before pushing after a failure (the device was offline: its clock may have been changed
   * meanwhile) or a long quiet spell, ask the server's time, so stamps taken with a wrong clock
   * are corrected before they are sent (adjustClockOffset).
   */
  async #checkClock(): Promise<void> {
    if (!this.#clockUnchecked && Date.now() - this.#lastExchange < 60_000) return;
    const sentAt = Date.now();
    // Who-am-I, not just the time: it also renews the session cookie (sliding sessions).
    const { serverTime } = await this.api.me();
    await this.#exchanged(serverTime, sentAt);
  }

  /**
   * Every shape request goes through this. A response says what the server's clock read; when
   * the device's clock disagrees by far more than its offset (it was changed while the device
   * was offline or asleep), the clock is checked, and unsent stamps corrected, before the rows
   * are applied: applied first, they would be compared with stamps taken on a wrong clock, and
   * an unsent edit could lose (or win) for the clock's error.
   */
  readonly #shapeFetch: typeof fetch = async (input, init) => {
    const response = await this.api.fetch(input, init);
    const serverTime = Number(response.headers.get(SERVER_TIME_HEADER));
    if (Number.isFinite(serverTime) && serverTime > 0) {
      const receivedAt = Date.now();
      try {
        const offset = await clockOffset(this.#bridge.db);
        if (Math.abs(serverTime - receivedAt - offset) >= SHAPE_CLOCK_HINT_MS) {
          this.#clockUnchecked = true;
          this.#clockCheck ??= this.#checkClock().finally(() => {
            this.#clockCheck = null;
          });
          await this.#clockCheck;
        }
      } catch {
        // The check failed (offline again): the rows still apply; the next push checks first.
      }
    }
    return response;
  };

  async #exchanged(serverTime: number, sentAt: number): Promise<void> {
    // Stamps may move (adjustClockOffset); they are not shown, so nothing needs re-reading.
    await adjustClockOffset(this.#bridge.db, serverTime, sentAt, Date.now());
    this.#lastExchange = Date.now();
    this.#clockUnchecked = false;
  }

  async #pushAll(): Promise<void> {
    const size = Math.min(this.#options.batchSize ?? MAX_PUSH_BATCH, MAX_PUSH_BATCH);
    try {
      if ((await pendingCount(this.#bridge.db, this.userId)) > 0) await this.#checkClock();
    } catch (error) {
      this.#onPushFailure(error);
      return;
    }
    for (;;) {
      if (!this.#abort) return;
      const mutations = fitInRequest(await nextMutations(this.#bridge.db, this.userId, size));
      if (mutations.length === 0) {
        this.#pushError = null;
        this.#failures = 0;
        await this.#refreshPending();
        this.#settle();
        return;
      }
      this.#set({ state: 'syncing' });
      try {
        await this.#bridge.flush();
      } catch (error) {
        this.#onPushFailure(error);
        return;
      }
      const sentAt = Date.now();
      try {
        const response = await this.api.push({ mutations });
        await this.#exchanged(response.serverTime, sentAt);
        const outcome = await applyAcks(this.#bridge.db, this.userId, mutations, response.results);
        if (outcome.rejected.length > 0) {
          this.#set({ rejected: [...this.#status.rejected, ...outcome.rejected].slice(-100) });
        }
        if (outcome.changed.size > 0) this.#bridge.applied([...outcome.changed]);
        this.#failures = 0;
        this.#pushError = null;
        await this.#refreshPending();
      } catch (error) {
        this.#onPushFailure(error);
        return;
      }
    }
  }

  #onPushFailure(error: unknown): void {
    const failure =
      error instanceof SyncServerError
        ? error
        : new SyncServerError('server', (error as Error)?.message ?? String(error));
    this.#pushError = failure;
    this.#clockUnchecked = true;
    if (failure.kind === 'unauthorized') {
      this.#set({ state: 'signed-out', error: failure.message });
      return; // Retrying cannot help until the user logs in again.
    }
    this.#failures += 1;
    // Exponential backoff with full jitter: many devices coming back at once do not stampede.
    const ceiling = Math.min(this.#retry.maxMs, this.#retry.initialMs * 2 ** (this.#failures - 1));
    const wait = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.#set({
      state: failure.kind === 'offline' ? 'offline' : 'error',
      error: `${failure.message} Retrying in ${Math.ceil(wait / 1000)} s.`,
    });
    this.schedulePush(wait);
  }

  async #refreshPending(): Promise<void> {
    try {
      this.#set({ pending: await pendingCount(this.#bridge.db, this.userId) });
    } catch {
      // The database closed under us (stopping): nothing to count.
    }
  }

  /** Synced when nothing is pending, every shape is up to date and nothing failed. */
  #settle(): void {
    if (!this.#abort || this.#pushError || this.#shapeError) return;
    if (this.#status.state === 'signed-out') return;
    const current = this.#upToDate.size === SYNCED_TABLES.length && this.#status.pending === 0;
    if (!current) {
      this.#set({ state: 'syncing', error: null });
      return;
    }
    const now = new Date();
    this.#set({ state: 'synced', error: null, lastSyncedAt: now });
    // Kept with the profile's sync settings, so the studio shows it after a reload too.
    if (now.getTime() - this.#savedSyncedAt > 5_000) {
      this.#savedSyncedAt = now.getTime();
      this.#bridge.db
        .query('update sync_config set last_sync_at = $2 where id = $1', [this.userId, now])
        .catch(() => {});
    }
  }

  #set(patch: Partial<SyncStatus>): void {
    this.#status = { ...this.#status, ...patch };
    this.#options.onStatus?.(this.status);
  }
}
