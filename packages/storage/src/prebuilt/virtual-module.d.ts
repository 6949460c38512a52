/** Provided by `prebuiltDatabasePlugin()` (./vite-plugin.ts) in every bundle of the worker. */
declare module 'virtual:platform-prebuilt-database' {
  /** Where the gzip tar of the prebuilt data directory is served. */
  export const url: string;
  /** What it was built from, hashed (see `prebuiltDatabaseKey`). */
  export const key: string;
  /** Its regular files: a new OPFS database's pool is sized from them (`newDatabasePoolSize`). */
  export const files: number;
}
