/**
 * The values libredb-studio keeps in `localStorage`, typed as its own code holds them just
 * before `JSON.stringify`: `Date` objects (stored as ISO strings), `NaN` ports (stored as
 * `null`) and `undefined` fields (not stored at all) included, because a generator that starts
 * from already-serialised JSON could never produce those three.
 *
 * The field lists are the union over the studio's history, not one revision's type, since a
 * browser keeps what older builds wrote: `isDemo` (2025-12-25 to 2026-03-25) and `roles` (seed
 * copies) are not in today's `DatabaseConnection` but are in real data.
 *
 * Follows src/lib/types.ts @ HEAD c144361f and @ v0.7.0, src/lib/audit.ts, src/lib/data-masking.ts,
 * src/lib/monitoring-thresholds.ts and src/hooks/use-tab-manager.ts @ HEAD.
 */

export type LegacyGeneration = 'orchids' | 'libredb';

/** Every `type` a stored connection can carry: today's fifteen plus `demo` from older data. */
export type StudioDatabaseType =
  | 'postgres'
  | 'mysql'
  | 'sqlite'
  | 'mongodb'
  | 'redis'
  | 'oracle'
  | 'mssql'
  | 'libredb'
  | 'couchbase'
  | 'clickhouse'
  | 'druid'
  | 'elasticsearch'
  | 'opensearch'
  | 'cassandra'
  | 'trino'
  | 'demo';

export type ConnectionEnvironment = 'production' | 'staging' | 'development' | 'local' | 'other';
export type SslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

export interface StudioSslConfig {
  /** Always set by the connection form; a seed copy may come without it (the seed schema makes it optional). */
  mode?: SslMode;
  caCert?: string;
  clientCert?: string;
  clientKey?: string;
  /** Never written by the form; only seed copies carry it. */
  rejectUnauthorized?: boolean;
}

export interface StudioSshTunnel {
  enabled: boolean;
  host: string;
  port: number;
  username: string;
  authMethod: 'password' | 'privateKey';
  password?: string;
  privateKey?: string;
  passphrase?: string;
}

export interface StudioConnection {
  id: string;
  name: string;
  type: StudioDatabaseType;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  connectionString?: string;
  createdAt: Date;
  isDemo?: boolean;
  color?: string;
  environment?: ConnectionEnvironment;
  group?: string;
  ssl?: StudioSslConfig;
  sshTunnel?: StudioSshTunnel;
  serviceName?: string;
  instanceName?: string;
  localDataCenter?: string;
  managed?: boolean;
  roles?: string[];
  seedId?: string;
  agentUser?: string;
  agentPassword?: string;
}

export interface StudioHistoryItem {
  id: string;
  connectionId: string;
  connectionName?: string;
  tabName?: string;
  query: string;
  executionTime: number;
  status: 'success' | 'error';
  executedAt: Date;
  rowCount?: number;
  errorMessage?: string;
}

export interface StudioSavedQuery {
  id: string;
  name: string;
  query: string;
  description?: string;
  connectionType: StudioDatabaseType;
  createdAt: Date;
  updatedAt: Date;
  tags?: string[];
}

export interface StudioColumnSchema {
  name: string;
  type: string;
  nullable: boolean;
  isPrimary: boolean;
  defaultValue?: string;
}

export interface StudioIndexSchema {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface StudioForeignKeySchema {
  columnName: string;
  referencedTable: string;
  referencedColumn: string;
}

export interface StudioTableSchema {
  name: string;
  rowCount?: number;
  size?: string;
  columns: StudioColumnSchema[];
  indexes: StudioIndexSchema[];
  foreignKeys?: StudioForeignKeySchema[];
}

export interface StudioSchemaSnapshot {
  id: string;
  connectionId: string;
  connectionName: string;
  databaseType: StudioDatabaseType;
  schema: StudioTableSchema[];
  createdAt: Date;
  label?: string;
}

export type ChartType =
  | 'bar'
  | 'line'
  | 'pie'
  | 'area'
  | 'scatter'
  | 'histogram'
  | 'stacked-bar'
  | 'stacked-area';
export type AggregationType = 'none' | 'sum' | 'avg' | 'count' | 'min' | 'max';
export type DateGrouping = 'hour' | 'day' | 'week' | 'month' | 'year';

/** What DataCharts wrote itself up to the storage facade (2026-03-03): no `createdAt`, `''` for no grouping. */
export interface OrchidsSavedChart {
  id: string;
  name: string;
  chartType: ChartType;
  xAxis: string;
  yAxis: string[];
  aggregation: AggregationType;
  dateGrouping: DateGrouping | '';
}

/** What `storage.saveChart` writes since 2026-03-03. `query`/`connectionId` exist in the type only. */
export interface LibredbSavedChart {
  id: string;
  name: string;
  chartType: ChartType;
  xAxis: string;
  yAxis: string[];
  aggregation: AggregationType;
  dateGrouping?: DateGrouping;
  createdAt: Date;
}

export type StudioSavedChart = OrchidsSavedChart | LibredbSavedChart;

export type AuditEventType =
  | 'maintenance'
  | 'kill_session'
  | 'masking_config'
  | 'threshold_config'
  | 'connection_test'
  | 'query_execution';

export interface StudioAuditEvent {
  type: AuditEventType;
  action: string;
  target: string;
  connectionName?: string;
  user: string;
  result: 'success' | 'failure';
  duration?: number;
  details?: string;
  id: string;
  timestamp: string;
}

export type MaskType =
  | 'email'
  | 'phone'
  | 'card'
  | 'ssn'
  | 'full'
  | 'partial'
  | 'ip'
  | 'date'
  | 'financial'
  | 'custom';

export interface StudioMaskingPattern {
  id: string;
  name: string;
  columnPatterns: string[];
  maskType: MaskType;
  enabled: boolean;
  isBuiltin: boolean;
  customMask?: string;
}

export interface StudioRoleSettings {
  canToggle: boolean;
  canReveal: boolean;
}

export interface StudioMaskingConfig {
  enabled: boolean;
  patterns: StudioMaskingPattern[];
  roleSettings: { admin: StudioRoleSettings; user: StudioRoleSettings };
}

export interface StudioThresholdConfig {
  metric: string;
  warning: number;
  critical: number;
  direction: 'above' | 'below';
  label: string;
}

export type StudioTabType = 'sql' | 'mongodb' | 'redis' | 'libredb';

export interface StudioWorkspaceState {
  activeTabId: string;
  tabs: { id: string; name: string; query: string; type: StudioTabType }[];
}
