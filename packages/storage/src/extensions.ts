import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/**
 * Extensions every platform database is opened with. The migrations run `CREATE EXTENSION
 * pg_trgm`, which PGlite can only honour when the extension was loaded at creation.
 */
export const platformExtensions = { pg_trgm } as const;
