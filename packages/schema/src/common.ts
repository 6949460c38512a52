/**
 * The tables both databases have: what sync carries between them. Imported by both entries;
 * neither target-specific table module may be imported from here.
 */
export * from './enums.ts';
export type { Migration } from './migration.ts';
export * from './sync-applying.ts';
export * from './synced-tables.ts';
export * from './tables/connections.ts';
export * from './tables/platform-users.ts';
export * from './tables/query-logs.ts';
export * from './tables/saved-queries.ts';
export * from './tables/studio-documents.ts';
export * from './text-codec.ts';
