/**
 * OPFS access handles in the pool of a new database: the prebuilt directory's files and room to
 * spare. Each open handle costs time on every start (about 2 ms) and Chromium counts about 1 MB
 * of quota for each one while it is open, which is why an empty database used to "use" 856 MB;
 * after the first write PGlite keeps `OPFS_SPARE_HANDLES` free handles, however large the pool
 * started. The prebuilt spec checks that its files fit with that many to spare.
 */
export const OPFS_INITIAL_POOL = 600;
/** PGlite's `maintainedPoolSize`, left at its default: a migration may create many files at once. */
export const OPFS_SPARE_HANDLES = 100;
