/**
 * Everything the browser may know about the platform database. This module must never import
 * `./tables/platform-user-passwords.ts`, directly or indirectly: the bundle test enforces it.
 */
export * from './enums.ts';
export type { Migration } from './migration.ts';
export * from './tables/connections.ts';
export * from './tables/platform-users.ts';
export * from './tables/query-logs.ts';
export * from './tables/saved-queries.ts';
export * from './tables/sync-config.ts';
