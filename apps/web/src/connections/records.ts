import type { ConnectionRecord } from '@platform/storage';
import type { ConnectionKind, StudioConnection } from './types.ts';

/** PostgreSQL runs through the server; `demo` (older studios' demo entry) in the browser. */
export function kindOf(type: unknown): ConnectionKind {
  if (type === 'postgres') return 'postgres';
  if (type === 'demo') return 'demo';
  return 'unsupported';
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * A stored connection as the studio lists and runs it. Every type is kept: the record is an
 * open one, written by any version of the studio, so nothing in it is trusted to be well formed.
 */
export function toStudioConnection(record: ConnectionRecord): StudioConnection {
  const type = typeof record.type === 'string' ? record.type : String(record.type ?? '');
  const kind = kindOf(type);
  const connection: StudioConnection = {
    id: record.id,
    name: text(record.name) ?? record.id,
    type,
    kind,
  };
  const environment = text(record.environment);
  if (environment) connection.environment = environment;
  const color = text(record.color);
  if (color) connection.color = color;
  if (kind !== 'postgres') return connection;
  const connectionString = text(record.connectionString);
  if (connectionString) connection.connectionString = connectionString;
  connection.host = text(record.host) ?? 'localhost';
  connection.port =
    typeof record.port === 'number' && Number.isInteger(record.port) ? record.port : 5432;
  const database = text(record.database);
  if (database) connection.database = database;
  const user = text(record.user);
  if (user) connection.user = user;
  const password = text(record.password);
  if (password) connection.password = password;
  return connection;
}
