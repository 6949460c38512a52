/**
 * The worker behind `openBrowserDatabase`. Every tab starts one; the one holding the origin-wide
 * election lock opens the database and answers every tab's requests: its own tab's through
 * postMessage (a tenth of a millisecond per round trip), other tabs' through BroadcastChannels.
 * The others wait on the lock, so when the leading tab closes, one of them takes over.
 */
import type { PGlite, QueryOptions, Transaction } from '@electric-sql/pglite';
import type { UnavailableReason } from '../errors.ts';
import { type Opened, OpenFailure, openDatabase } from './leader-open.ts';
import {
  type Answer,
  channels,
  isHello,
  isRequest,
  isWorkerConfig,
  type LeaderAnnouncement,
  type Operation,
  type Request,
  type StatementOptions,
  serializeError,
  type WorkerConfig,
} from './protocol.ts';

const workerId = crypto.randomUUID();

interface OpenTransaction {
  readonly tx: Transaction;
  /** Commits (or rolls back) and resolves once PGlite has finished the transaction. */
  end(commit: boolean): Promise<void>;
}

const raw = (value: string) => value;

function queryOptions(options: StatementOptions): QueryOptions {
  return {
    ...(options.rowMode ? { rowMode: options.rowMode } : {}),
    ...(options.paramTypes ? { paramTypes: options.paramTypes } : {}),
    parsers: Object.fromEntries(options.rawTypes.map((type) => [type, raw])),
  };
}

/** Answers the tabs' requests on the open database; one per leader. */
class Leader {
  readonly #opening: Promise<Opened>;
  readonly #names: ReturnType<typeof channels>;
  /** Per tab: its open transactions, and where its answers go. */
  readonly #tabs = new Map<
    string,
    { transactions: Map<string, OpenTransaction>; answers: BroadcastChannel | null }
  >();
  #transactionSeq = 0;

  constructor(config: WorkerConfig) {
    this.#names = channels(config.name);
    this.#opening = openDatabase(config);
    // Failures reach every tab as answers to their requests.
    this.#opening.catch(() => undefined);
  }

  /** Runs one request from this worker's own tab (`own`) or another tab, and answers it. */
  async handle(request: Request, own: boolean): Promise<void> {
    const tab = this.#tab(request.tab, own);
    const reply = (answer: Answer) => {
      if (own) postMessage(answer);
      else tab.answers?.postMessage(answer);
    };
    let opened: Opened;
    try {
      opened = await this.#opening;
    } catch (error) {
      const reason: UnavailableReason = error instanceof OpenFailure ? error.reason : 'open-failed';
      reply({
        type: 'platform-storage:answer',
        id: request.id,
        error: serializeError(error, reason),
      });
      return;
    }
    try {
      const value = await this.#run(opened, tab.transactions, request.tab, request.operation);
      reply({ type: 'platform-storage:answer', id: request.id, value });
    } catch (error) {
      reply({
        type: 'platform-storage:answer',
        id: request.id,
        error:
          request.operation.op === 'flush' ? flushFailure(error, opened) : serializeError(error),
      });
    }
  }

  async #run(
    opened: Opened,
    transactions: Map<string, OpenTransaction>,
    tabId: string,
    operation: Operation,
  ): Promise<unknown> {
    const { db } = opened;
    switch (operation.op) {
      case 'describe':
        return opened.location;
      case 'flush':
        await opened.flush();
        return opened.location;
      case 'query': {
        const target = operation.tx ? openTransaction(transactions, operation.tx).tx : db;
        return target.query(operation.sql, operation.params, queryOptions(operation.options));
      }
      case 'exec': {
        const target = operation.tx ? openTransaction(transactions, operation.tx).tx : db;
        return target.exec(operation.sql, queryOptions(operation.options));
      }
      case 'begin': {
        const id = `${tabId}:${++this.#transactionSeq}`;
        transactions.set(id, await begin(db, () => transactions.delete(id)));
        return id;
      }
      case 'end':
        await openTransaction(transactions, operation.tx).end(operation.commit);
        return null;
    }
  }

  #tab(tabId: string, own: boolean) {
    let tab = this.#tabs.get(tabId);
    if (tab) return tab;
    tab = {
      transactions: new Map(),
      answers: own ? null : new BroadcastChannel(this.#names.answers(tabId)),
    };
    this.#tabs.set(tabId, tab);
    // Granted once the tab has closed (it holds the lock while open): its transactions can never
    // be finished, and would hold every other tab's statements back.
    void navigator.locks.request(this.#names.tabLock(tabId), async () => {
      const gone = this.#tabs.get(tabId);
      this.#tabs.delete(tabId);
      gone?.answers?.close();
      for (const transaction of gone?.transactions.values() ?? []) {
        await transaction.end(false).catch(() => undefined);
      }
    });
    return tab;
  }
}

function openTransaction(transactions: Map<string, OpenTransaction>, id: string): OpenTransaction {
  const transaction = transactions.get(id);
  if (!transaction) throw new Error('The transaction is already closed.');
  return transaction;
}

/**
 * Opens a PGlite transaction held open across requests: PGlite's `transaction()` takes a
 * callback, so the callback waits here until the tab says how to end it.
 */
async function begin(db: PGlite, forget: () => void): Promise<OpenTransaction> {
  let decide: (commit: boolean) => void = () => undefined;
  const decided = new Promise<boolean>((resolve) => {
    decide = resolve;
  });
  let started: (tx: Transaction) => void = () => undefined;
  const ready = new Promise<Transaction>((resolve) => {
    started = resolve;
  });
  const done = db.transaction(async (tx) => {
    started(tx);
    if (!(await decided)) await tx.rollback();
  });
  const tx = await Promise.race([ready, done.then(() => null)]);
  if (!tx) throw new Error('The transaction ended before it began.');
  return {
    tx,
    async end(commit) {
      decide(commit);
      try {
        await done;
      } finally {
        forget();
      }
    },
  };
}

/** A failed flush means the browser refused the write (quota, a broken IndexedDB or OPFS). */
function flushFailure(error: unknown, opened: Opened) {
  const failure = serializeError(
    error,
    opened.location.kind === 'opfs' ? 'opfs-unavailable' : 'indexeddb-unavailable',
  );
  return { ...failure, message: `Could not store the latest changes: ${failure.message}` };
}

/** Runs in the elected worker only, from the moment it wins until it ends. */
function lead(config: WorkerConfig): void {
  const leader = new Leader(config);
  const names = channels(config.name);
  const announcement: LeaderAnnouncement = { type: 'platform-storage:leader', leader: workerId };
  const requests = new BroadcastChannel(names.requests);
  requests.onmessage = (event: MessageEvent<unknown>) => {
    if (isRequest(event.data)) void leader.handle(event.data, false);
  };
  const announcements = new BroadcastChannel(names.announcements);
  announcements.onmessage = (event: MessageEvent<unknown>) => {
    if (isHello(event.data)) announcements.postMessage(announcement);
  };
  addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isRequest(event.data)) void leader.handle(event.data, true);
  });
  // Before the database is open: requests wait for it in `handle`, and tabs learn at once where
  // to send them.
  postMessage(announcement);
  announcements.postMessage(announcement);
}

let configured = false;
addEventListener('message', (event: MessageEvent<unknown>) => {
  const config = event.data;
  if (configured || !isWorkerConfig(config)) return;
  configured = true;
  // Held until this worker ends (its tab closed): then the next tab's worker is elected.
  void navigator.locks.request(channels(config.name).electionLock, () => {
    lead(config);
    return new Promise<never>(() => undefined);
  });
});
