// Test page: drives openBrowserDatabase (the studio's database client) inside a real tab.
import {
  type BrowserDatabaseHandle,
  openBrowserDatabase,
  type StoragePreference,
} from '../../client/open-browser.ts';
import { estimateStorage, requestPersistentStorage } from '../../client/persistence.ts';
import type { StorageLocation } from '../../client/types.ts';

let handle: BrowserDatabaseHandle | undefined;

function current(): BrowserDatabaseHandle {
  if (!handle) throw new Error('clientPage.open() first');
  return handle;
}

const api = {
  async open(
    name: string,
    storage: StoragePreference = 'auto',
  ): Promise<{ location: StorageLocation; isLeader: boolean; ms: number }> {
    const started = performance.now();
    handle = await openBrowserDatabase({ name, storage, requestPersistence: false });
    return {
      location: handle.location,
      isLeader: handle.isLeader,
      ms: performance.now() - started,
    };
  },
  /** Opens and reports the failure as plain data (errors do not cross `evaluate` intact). */
  async openFailure(name: string, storage: StoragePreference = 'auto') {
    try {
      await api.open(name, storage);
      return null;
    } catch (error) {
      const { name: errorName, code, reason, message } = error as Record<string, unknown>;
      return { name: errorName, code, reason, message };
    }
  },
  isLeader: () => current().isLeader,
  async addUser(id: string) {
    await current().pg.query(
      'insert into platform_users (id, username) values ($1, $1) on conflict do nothing',
      [id],
    );
  },
  /** Inserts `count` history rows one statement at a time; returns the errors it met. */
  async addLogs(userId: string, prefix: string, count: number): Promise<string[]> {
    const errors: string[] = [];
    for (let i = 0; i < count; i++) {
      try {
        await current().pg.query(
          `insert into query_logs (id, user_id, query, status) values ($1, $2, $3, 'success')`,
          [`${prefix}-${i}`, userId, `select ${i}`],
        );
      } catch (error) {
        errors.push(String(error));
      }
    }
    return errors;
  },
  /** One write, timed from call to resolve. */
  async addLog(userId: string, id: string): Promise<number> {
    const started = performance.now();
    await current().pg.query(
      `insert into query_logs (id, user_id, query, status) values ($1, $2, 'select 1', 'success')`,
      [id, userId],
    );
    return performance.now() - started;
  },
  /** Inserts `ids` in one transaction, failing after them when asked; says how it ended. */
  async transact(userId: string, ids: string[], fail: boolean): Promise<string> {
    try {
      await current().pg.transaction(async (tx) => {
        for (const id of ids) {
          await tx.query(
            `insert into query_logs (id, user_id, query, status) values ($1, $2, 'q', 'success')`,
            [id, userId],
          );
        }
        if (fail) throw new Error('planned failure');
      });
      return 'committed';
    } catch (error) {
      return (error as Error).message;
    }
  },
  /** Writes `id` inside a transaction that is never finished; resolves once the write is in. */
  hangInTransaction(userId: string, id: string): Promise<void> {
    return new Promise((resolve) => {
      void current()
        .pg.transaction(async (tx) => {
          await tx.query(
            `insert into query_logs (id, user_id, query, status) values ($1, $2, 'q', 'success')`,
            [id, userId],
          );
          resolve();
          await new Promise(() => undefined);
        })
        .catch(() => undefined);
    });
  },
  async logIds(userId: string): Promise<string[]> {
    const { rows } = await current().pg.query<{ id: string }>(
      'select id from query_logs where user_id = $1 order by id',
      [userId],
    );
    return rows.map((row) => row.id);
  },
  async sql(text: string): Promise<unknown[]> {
    return (await current().pg.query(text)).rows;
  },
  async flush(): Promise<number> {
    const started = performance.now();
    await current().flush();
    return performance.now() - started;
  },
  async close() {
    await current().close();
    handle = undefined;
  },
  /** How many entries an OPFS directory has (-1: none), to time a cut during creation. */
  async opfsEntries(path: string): Promise<number> {
    let dir = await navigator.storage.getDirectory();
    try {
      for (const part of path.split('/')) dir = await dir.getDirectoryHandle(part);
    } catch {
      return -1;
    }
    let count = 0;
    // The DOM typings here lack the async-iterable half of the File System API.
    const listing = dir as unknown as { keys(): AsyncIterable<string> };
    for await (const _ of listing.keys()) count++;
    return count;
  },
  estimate: () => estimateStorage(),
  persist: () => requestPersistentStorage(),
};

Object.assign(window, { clientPage: api });
document.title = 'ready';
