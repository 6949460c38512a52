/**
 * How every platform PGlite is started: PGlite's own start parameters with a smaller buffer
 * cache. PostgreSQL's default `shared_buffers` (128 MB) is sized for a server; allocating and
 * initialising it is most of what a PGlite start costs (measured in Node on the platform
 * database: 0.65 s to start with 128 MB, 0.3 s with 32 MB), on every visit. The platform
 * database's working set (the newest history pages, saved queries, the change log) is a few
 * megabytes; pages beyond the cache are read back from the files, which the browser caches.
 */
import { PGlite } from '@electric-sql/pglite';

export const PLATFORM_SHARED_BUFFERS = '32MB';

export const platformStartParams: readonly string[] = [
  ...PGlite.defaultStartParams,
  '-c',
  `shared_buffers=${PLATFORM_SHARED_BUFFERS}`,
];
