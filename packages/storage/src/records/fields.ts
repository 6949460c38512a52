import type { FieldSpec } from './open-record.ts';

/**
 * Which of the studio's fields each table keeps in a column (`open-record.ts`). The rest of an
 * object, whatever it holds, is kept in the row's `extra`.
 */

/** `isDemo` stays in `extra` as given; the `is_demo` column only says whether it is `true`. */
export const CONNECTION_FIELDS: readonly FieldSpec[] = [
  { key: 'id', column: 'id', kind: 'text' },
  { key: 'name', column: 'name', kind: 'text' },
  { key: 'type', column: 'type', kind: 'text' },
  { key: 'host', column: 'host', kind: 'text' },
  { key: 'port', column: 'port', kind: 'integer', min: 1, max: 65_535 },
  { key: 'user', column: 'dbUser', kind: 'text' },
  { key: 'database', column: 'database', kind: 'text' },
  { key: 'connectionString', column: 'connectionString', kind: 'text' },
  { key: 'createdAt', column: 'createdAt', kind: 'date' },
];

export const SAVED_QUERY_FIELDS: readonly FieldSpec[] = [
  { key: 'id', column: 'id', kind: 'text' },
  { key: 'name', column: 'name', kind: 'text' },
  { key: 'query', column: 'query', kind: 'text' },
  { key: 'description', column: 'description', kind: 'text' },
  { key: 'connectionType', column: 'connectionType', kind: 'text' },
  { key: 'tags', column: 'tags', kind: 'textList' },
  { key: 'createdAt', column: 'createdAt', kind: 'date' },
  { key: 'updatedAt', column: 'updatedAt', kind: 'date' },
];

export const HISTORY_FIELDS: readonly FieldSpec[] = [
  { key: 'id', column: 'id', kind: 'text' },
  { key: 'connectionId', column: 'connectionId', kind: 'text' },
  { key: 'connectionName', column: 'connectionName', kind: 'text' },
  { key: 'tabName', column: 'tabName', kind: 'text' },
  { key: 'query', column: 'query', kind: 'text' },
  { key: 'executionTime', column: 'executionTimeMs', kind: 'number', min: 0 },
  { key: 'status', column: 'status', kind: 'text' },
  { key: 'executedAt', column: 'executedAt', kind: 'date' },
  { key: 'rowCount', column: 'rowCount', kind: 'integer', min: 0 },
  { key: 'errorMessage', column: 'errorMessage', kind: 'text' },
];
