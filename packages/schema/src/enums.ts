/** Roles a platform user can hold; the database enforces the same list with a check constraint. */
export const PLATFORM_ROLES = ['admin', 'user', 'viewer'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

/** Outcome of one query execution. */
export const QUERY_STATUSES = ['success', 'error'] as const;
export type QueryStatus = (typeof QUERY_STATUSES)[number];

/** Connection kinds the legacy studio knew; kept open in the database so new kinds need no migration. */
export const DATABASE_TYPES = ['postgres', 'mysql', 'sqlite', 'mongodb', 'redis', 'demo'] as const;
export type DatabaseType = (typeof DATABASE_TYPES)[number];
