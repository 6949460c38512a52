import {
  connections,
  type PlatformRole,
  platformUsers,
  queryLogs,
  savedQueries,
} from '@platform/schema/common';
import { getTableColumns } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';

/** The tables sync carries, in the order a push applies them (owners before what they own). */
export const SYNCED_TABLES = [
  'platform_users',
  'connections',
  'saved_queries',
  'query_logs',
] as const;
export type SyncedTable = (typeof SYNCED_TABLES)[number];

export interface SyncedTableSpec {
  readonly name: SyncedTable;
  /** The column that names the row's owner: a user's own row, or the rows a user owns. */
  readonly owner: 'id' | 'user_id';
  /** The columns that travel, as Postgres names them: every column but per-database ones. */
  readonly columns: readonly string[];
  /** Who may push rows of this table (the server checks; the browser's repositories agree). */
  readonly writers: readonly PlatformRole[];
}

/** Numbered per database (tie-breaking within one database's history), so never synced. */
const LOCAL_COLUMNS = new Set(['insert_seq']);

function columnsOf(table: PgTable): string[] {
  return Object.values(getTableColumns(table))
    .map((column) => column.name)
    .filter((name) => !LOCAL_COLUMNS.has(name));
}

export const SYNCED: Readonly<Record<SyncedTable, SyncedTableSpec>> = {
  platform_users: {
    name: 'platform_users',
    owner: 'id',
    columns: columnsOf(platformUsers),
    writers: ['admin', 'user', 'viewer'],
  },
  connections: {
    name: 'connections',
    owner: 'user_id',
    columns: columnsOf(connections),
    writers: ['admin', 'user'],
  },
  saved_queries: {
    name: 'saved_queries',
    owner: 'user_id',
    columns: columnsOf(savedQueries),
    writers: ['admin', 'user'],
  },
  query_logs: {
    name: 'query_logs',
    owner: 'user_id',
    columns: columnsOf(queryLogs),
    writers: ['admin', 'user', 'viewer'],
  },
};

export function isSyncedTable(name: string): name is SyncedTable {
  return (SYNCED_TABLES as readonly string[]).includes(name);
}
