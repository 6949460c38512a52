/** Provided by `demoDatabasePlugin()` (./prebuilt.ts) in the demo worker's bundle. */
declare module 'virtual:demo-database' {
  /** Where the gzip tar of the seeded demo data directory is served. */
  export const url: string;
  /** What it was built from, hashed. */
  export const key: string;
  /** Its regular files. */
  export const files: number;
}
