import type { ConnectionRecord } from '../repositories/connections.ts';
import type { HistoryEntry } from '../repositories/history.ts';
import type { SavedQueryRecord } from '../repositories/saved-queries.ts';
import type { DatabaseConnection, QueryHistoryItem, SavedQuery } from './types.ts';

/** Legacy objects left optional fields out rather than setting them to null. */
function present<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) {
    if (value[key] === null || value[key] === undefined) delete value[key];
  }
  return value;
}

export function toLegacyConnection(c: ConnectionRecord): DatabaseConnection {
  return present({
    id: c.id,
    name: c.name,
    type: c.type,
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    database: c.database,
    connectionString: c.connectionString,
    createdAt: c.createdAt,
    isDemo: c.isDemo ? true : null,
  }) as DatabaseConnection;
}

export function toLegacyHistoryItem(e: HistoryEntry): QueryHistoryItem {
  return present({
    id: e.id,
    connectionId: e.connectionId ?? '',
    connectionName: e.connectionName,
    tabName: e.tabName,
    query: e.query,
    executionTime: e.executionTimeMs ?? 0,
    status: e.status,
    executedAt: e.executedAt,
    rowCount: e.rowCount,
    errorMessage: e.errorMessage,
  }) as QueryHistoryItem;
}

export function toLegacySavedQuery(q: SavedQueryRecord): SavedQuery {
  return present({
    id: q.id,
    name: q.name,
    query: q.query,
    description: q.description,
    connectionType: q.connectionType ?? 'postgres',
    createdAt: q.createdAt,
    updatedAt: q.updatedAt,
    tags: q.tags,
  }) as SavedQuery;
}
