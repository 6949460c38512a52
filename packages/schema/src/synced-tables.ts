/**
 * The tables sync carries, in the order a push applies them (owners before what they own). The
 * one list: the outbox's check, the triggers' migration, the protocol and the server read it.
 */
export const SYNCED_TABLE_NAMES = [
  'platform_users',
  'connections',
  'saved_queries',
  'query_logs',
  'studio_documents',
] as const;
export type SyncedTableName = (typeof SYNCED_TABLE_NAMES)[number];
