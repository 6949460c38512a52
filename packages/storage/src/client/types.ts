import type { PGliteInterface } from '@electric-sql/pglite';

export type StorageKind = 'memory' | 'node-fs' | 'indexeddb' | 'opfs';

/** Where the platform database lives and what a resolved write promises. */
export interface StorageLocation {
  readonly kind: StorageKind;
  /** The PGlite data dir as given to PGlite (`memory://`, `idb://platform`, a path, …). */
  readonly dataDir: string;
  /**
   * `durable`: a resolved write is on disk. `relaxed`: a resolved write is in memory; a sync
   * starts at once and it is on disk within `flushWindowMs`, or when `flush()`/`close()` resolve.
   * `volatile`: never.
   */
  readonly durability: 'durable' | 'relaxed' | 'volatile';
  readonly flushWindowMs: number | null;
}

/** An open, migrated platform database. */
export interface DatabaseHandle {
  readonly pg: PGliteInterface;
  readonly location: StorageLocation;
  /** Resolves when everything written so far is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface StorageEstimate {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}
