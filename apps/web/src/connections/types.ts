/**
 * How this studio runs a connection: the in-browser demo database, PostgreSQL through the
 * server's `/api/query`, or not at all (every other database type: kept and shown, not run).
 */
export type ConnectionKind = 'demo' | 'postgres' | 'unsupported';

/** A connection as the studio lists and runs it. */
export interface StudioConnection {
  id: string;
  name: string;
  /** The stored database type (`postgres`, `mysql`, …, or whatever a newer studio wrote). */
  type: string;
  kind: ConnectionKind;
  /** `production`, `staging`, `development`, `local`, `other`, when the connection has one. */
  environment?: string;
  /** The colour the studio gave it (its environment's, unless chosen). */
  color?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  /** Used instead of host, port, database, user and password when present. */
  connectionString?: string;
}

/** The zero-config demo database, always present, never stored. Its SQL is PostgreSQL's. */
export const DEMO_CONNECTION: StudioConnection = {
  id: 'demo',
  name: 'Demo (in browser)',
  type: 'postgres',
  kind: 'demo',
};

/** The real studio's labels (`src/lib/db-ui-config.ts`), and `demo` from older data. */
const TYPE_LABELS: Record<string, string> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  sqlite: 'SQLite',
  mongodb: 'MongoDB',
  redis: 'Redis',
  oracle: 'Oracle',
  mssql: 'SQL Server',
  libredb: 'LibreDB',
  couchbase: 'Couchbase',
  clickhouse: 'ClickHouse',
  druid: 'Apache Druid',
  elasticsearch: 'Elasticsearch',
  opensearch: 'OpenSearch',
  cassandra: 'Apache Cassandra',
  trino: 'Trino',
  demo: 'Demo',
};

/** A database type's label; a type this studio does not know is shown by its raw name. */
export function typeLabel(type: string): string {
  return Object.hasOwn(TYPE_LABELS, type) ? (TYPE_LABELS[type] as string) : type || 'unknown';
}

/** The real studio's `ENVIRONMENT_COLORS` and `ENVIRONMENT_LABELS` (`src/lib/types.ts`). */
export const ENVIRONMENT_COLORS: Record<string, string> = {
  production: '#ef4444',
  staging: '#eab308',
  development: '#22c55e',
  local: '#3b82f6',
  other: '#6b7280',
};

export const ENVIRONMENT_LABELS: Record<string, string> = {
  production: 'PROD',
  staging: 'STAGING',
  development: 'DEV',
  local: 'LOCAL',
  other: '',
};

/**
 * The environment badge, as the real studio's sidebar shows it: none for `other` or none at all;
 * the connection's own colour, else its environment's. An environment it does not know is shown
 * by its raw name.
 */
export function environmentBadge(
  connection: Pick<StudioConnection, 'environment' | 'color'>,
): { label: string; color: string } | null {
  const env = connection.environment;
  if (!env || env === 'other') return null;
  const label = Object.hasOwn(ENVIRONMENT_LABELS, env) ? ENVIRONMENT_LABELS[env] : env;
  if (!label) return null;
  const color =
    connection.color ||
    (Object.hasOwn(ENVIRONMENT_COLORS, env) ? ENVIRONMENT_COLORS[env] : undefined) ||
    '#6b7280';
  return { label, color };
}

/** What the picker's option says: name, type and environment. */
export function connectionLabel(connection: StudioConnection): string {
  if (connection.kind === 'demo' && connection.id === DEMO_CONNECTION.id) return connection.name;
  const badge = environmentBadge(connection);
  return `${connection.name} · ${typeLabel(connection.type)}${badge ? ` · ${badge.label}` : ''}`;
}

/** Why a connection cannot run here, in plain words; null when it can. */
export function unsupportedReason(
  connection: Pick<StudioConnection, 'kind' | 'type'>,
): string | null {
  if (connection.kind !== 'unsupported') return null;
  return `${typeLabel(connection.type)} connections are kept and shown, but this studio runs only PostgreSQL and the demo database.`;
}
