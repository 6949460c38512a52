/** Roles a platform user can hold; the database enforces the same list with a check constraint. */
export const PLATFORM_ROLES = ['admin', 'user', 'viewer'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

/** Outcome of one query execution. */
export const QUERY_STATUSES = ['success', 'error'] as const;
export type QueryStatus = (typeof QUERY_STATUSES)[number];

/**
 * The database types the studio knows today (libredb-studio's `DatabaseType`, and `demo` from
 * older data). The set keeps growing, so a type is an open string everywhere it is stored:
 * these are for labels and for knowing what this studio can run, never for refusing data.
 */
export const KNOWN_DATABASE_TYPES = [
  'postgres',
  'mysql',
  'sqlite',
  'mongodb',
  'redis',
  'oracle',
  'mssql',
  'libredb',
  'couchbase',
  'clickhouse',
  'druid',
  'elasticsearch',
  'opensearch',
  'cassandra',
  'trino',
  'demo',
] as const;
export type KnownDatabaseType = (typeof KNOWN_DATABASE_TYPES)[number];
/** A known type, or any other string a newer studio wrote. */
export type DatabaseType = KnownDatabaseType | (string & {});
