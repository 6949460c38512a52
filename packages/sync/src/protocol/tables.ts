import {
  connections,
  isStudioDocumentKind,
  type PlatformRole,
  platformUsers,
  queryLogs,
  STUDIO_DOCUMENT_WRITERS,
  SYNCED_TABLE_NAMES,
  type SyncedTableName,
  savedQueries,
  studioDocuments,
} from '@platform/schema/common';
import { getTableColumns } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/**
 * The tables sync carries, in the order a push applies them (owners before what they own):
 * `SYNCED_TABLE_NAMES` of `@platform/schema`, the one list.
 */
export const SYNCED_TABLES = SYNCED_TABLE_NAMES;
export type SyncedTable = SyncedTableName;

export interface SyncedTableSpec {
  readonly name: SyncedTable;
  /** The Drizzle table: the columns, their types and nullability come from it. */
  readonly table: PgTable;
  /** The column that names the row's owner: a user's own row, or the rows a user owns. */
  readonly owner: 'id' | 'user_id';
  /** The columns that travel, as Postgres names them: every column but per-database ones. */
  readonly columns: readonly string[];
  /** The columns that travel, Drizzle's column objects, in the order of `columns`. */
  readonly columnInfo: readonly PgColumn[];
  /**
   * Who may push rows of this table, at most (the server checks; the browser's repositories
   * agree). Some tables narrow it per row: see `mayWrite`.
   */
  readonly writers: readonly PlatformRole[];
}

/** Numbered per database (tie-breaking within one database's history), so never synced. */
const LOCAL_COLUMNS = new Set(['insert_seq']);

function columnsOf(table: PgTable): PgColumn[] {
  return Object.values(getTableColumns(table)).filter((column) => !LOCAL_COLUMNS.has(column.name));
}

function spec(
  name: SyncedTable,
  table: PgTable,
  owner: 'id' | 'user_id',
  writers: readonly PlatformRole[],
): SyncedTableSpec {
  const columnInfo = columnsOf(table);
  return { name, table, owner, columns: columnInfo.map((c) => c.name), columnInfo, writers };
}

const EVERYONE: readonly PlatformRole[] = ['admin', 'user', 'viewer'];

export const SYNCED: Readonly<Record<SyncedTable, SyncedTableSpec>> = {
  platform_users: spec('platform_users', platformUsers, 'id', EVERYONE),
  connections: spec('connections', connections, 'user_id', ['admin', 'user']),
  saved_queries: spec('saved_queries', savedQueries, 'user_id', ['admin', 'user']),
  query_logs: spec('query_logs', queryLogs, 'user_id', EVERYONE),
  // Per kind (STUDIO_DOCUMENT_WRITERS): anyone writes some kinds, viewers not all of them.
  studio_documents: spec('studio_documents', studioDocuments, 'user_id', EVERYONE),
};

/**
 * Whether `role` may write this row of `table`: the table's writers, narrowed per row where a
 * table holds rows of different rules (a studio document by its `kind`, with the same
 * `STUDIO_DOCUMENT_WRITERS` the browser's repository applies). `row` is the row pushed, or for
 * a delete the row stored; null when there is none (a delete of nothing, which writes nothing).
 */
export function mayWrite(
  table: SyncedTable,
  role: PlatformRole,
  row: Readonly<Record<string, unknown>> | null,
): boolean {
  if (!SYNCED[table].writers.includes(role)) return false;
  if (table === 'studio_documents' && row) {
    return isStudioDocumentKind(row.kind) && STUDIO_DOCUMENT_WRITERS[row.kind].includes(role);
  }
  return true;
}

export function isSyncedTable(name: string): name is SyncedTable {
  return (SYNCED_TABLES as readonly string[]).includes(name);
}
