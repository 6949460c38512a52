import type { QueryOptions, Results } from '@electric-sql/pglite';

export type StorageKind = 'memory' | 'node-fs' | 'indexeddb' | 'opfs';

/** Where the platform database lives and what a resolved write promises. */
export interface StorageLocation {
  readonly kind: StorageKind;
  /** The PGlite data dir as given to PGlite (`memory://`, `idb://platform`, a path, …). */
  readonly dataDir: string;
  /**
   * What a resolved write survives. `durable`: the page closing and the browser being killed
   * (it is in the files). `relaxed`: nothing yet; it is in memory and in the files within
   * `flushWindowMs`, or when `flush()`/`close()` resolve. `volatile`: never stored.
   */
  readonly durability: 'durable' | 'relaxed' | 'volatile';
  /**
   * How long after a write it may take to be on the disk itself (past the operating system's
   * cache, so safe from a power cut); `flush()` and `close()` wait for it. `null`: at once.
   */
  readonly flushWindowMs: number | null;
}

/** A transaction of `SqlClient.transaction`: PGlite's own, or its twin across the worker. */
export interface SqlTransaction {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Array<Results>>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

/**
 * The part of PGlite the platform uses: statements, scripts and interactive transactions. A
 * PGlite instance is one; in browsers it is a client of the tab's database worker.
 */
export interface SqlClient {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Array<Results>>;
  transaction<T>(callback: (tx: SqlTransaction) => Promise<T>): Promise<T>;
}

/** An open, migrated platform database. */
export interface DatabaseHandle {
  readonly pg: SqlClient;
  readonly location: StorageLocation;
  /** Resolves when everything written so far is on the disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface StorageEstimate {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}
