import type { DatabaseType } from '@platform/schema/browser';

export type { DatabaseType };

/**
 * The studio's own types (libredb-studio `src/lib/types.ts`, `src/lib/audit.ts`,
 * `src/lib/data-masking.ts`, `src/lib/monitoring-thresholds.ts`), field for field. Each is an
 * open record: the studio adds fields as it learns databases, and whatever a caller gives is
 * kept and given back, so a field named here is a promise about its type, not a limit.
 */

export type ConnectionEnvironment = 'production' | 'staging' | 'development' | 'local' | 'other';
export type SSLMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

export interface SSLConfig {
  mode: SSLMode;
  caCert?: string;
  clientCert?: string;
  /** A secret: kept in the vault. */
  clientKey?: string;
  rejectUnauthorized?: boolean;
  [field: string]: unknown;
}

export interface SSHTunnelConfig {
  enabled: boolean;
  host: string;
  port: number;
  username: string;
  authMethod: 'password' | 'privateKey';
  /** Secrets: kept in the vault. */
  password?: string;
  privateKey?: string;
  passphrase?: string;
  [field: string]: unknown;
}

export interface DatabaseConnection {
  id: string;
  name: string;
  type: DatabaseType;
  host?: string;
  /** `null` where the studio's empty port field gave `NaN` (JSON writes it as null). */
  port?: number | null;
  user?: string;
  /** A secret: kept in the vault, as is a password inside `connectionString`. */
  password?: string;
  database?: string;
  connectionString?: string;
  createdAt: Date;
  color?: string;
  environment?: ConnectionEnvironment;
  group?: string;
  ssl?: SSLConfig;
  sshTunnel?: SSHTunnelConfig;
  /** Oracle. */
  serviceName?: string;
  /** SQL Server. */
  instanceName?: string;
  /** Cassandra. */
  localDataCenter?: string;
  managed?: boolean;
  seedId?: string;
  agentUser?: string;
  /** A secret: kept in the vault. */
  agentPassword?: string;
  /** This project's own demo marker (older studios used `type: 'demo'`). */
  isDemo?: boolean;
  [field: string]: unknown;
}

export interface QueryHistoryItem {
  id: string;
  connectionId: string;
  connectionName?: string;
  tabName?: string;
  /** May be '' (an empty editor was run). */
  query: string;
  /** Milliseconds. */
  executionTime: number;
  status: 'success' | 'error';
  executedAt: Date;
  rowCount?: number;
  errorMessage?: string;
  [field: string]: unknown;
}

export interface SavedQuery {
  id: string;
  name: string;
  query: string;
  description?: string;
  connectionType: DatabaseType;
  createdAt: Date;
  updatedAt: Date;
  /** As typed: duplicates and order kept. */
  tags?: string[];
  [field: string]: unknown;
}

export interface ColumnSchema {
  name: string;
  type: string;
  nullable: boolean;
  isPrimary: boolean;
  defaultValue?: string;
}

export interface IndexSchema {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface ForeignKeySchema {
  columnName: string;
  referencedTable: string;
  referencedColumn: string;
}

export interface TableSchema {
  name: string;
  columns: ColumnSchema[];
  indexes: IndexSchema[];
  foreignKeys?: ForeignKeySchema[];
  rowCount?: number;
  size?: string;
}

export interface SchemaSnapshot {
  id: string;
  connectionId: string;
  connectionName: string;
  databaseType: DatabaseType;
  schema: TableSchema[];
  createdAt: Date;
  label?: string;
  [field: string]: unknown;
}

export type AggregationType = 'none' | 'sum' | 'avg' | 'count' | 'min' | 'max';
export type DateGrouping = 'hour' | 'day' | 'week' | 'month' | 'year';

export interface SavedChartConfig {
  id: string;
  name: string;
  chartType: string;
  xAxis: string;
  yAxis: string[];
  query?: string;
  connectionId?: string;
  createdAt: Date;
  aggregation?: AggregationType;
  dateGrouping?: DateGrouping;
  [field: string]: unknown;
}

/** An audit event as the studio records it; `timestamp` stays an ISO string (never revived). */
export interface AuditEvent {
  id: string;
  timestamp: string;
  type: string;
  action: string;
  target: string;
  connectionName?: string;
  user: string;
  result: 'success' | 'failure';
  duration?: number;
  details?: string;
  ip?: string;
  reason?: string;
  bucket?: string;
  correlationId?: string;
  [field: string]: unknown;
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

export interface MaskingPattern {
  id: string;
  name: string;
  /** Regular expressions as strings, as the user edits them. */
  columnPatterns: string[];
  maskType: MaskType;
  enabled: boolean;
  /** Built-in patterns cannot be deleted, only disabled. */
  isBuiltin: boolean;
  customMask?: string;
}

export interface MaskingConfig {
  enabled: boolean;
  patterns: MaskingPattern[];
  roleSettings: {
    admin: { canToggle: boolean; canReveal: boolean };
    user: { canToggle: boolean; canReveal: boolean };
  };
}

export interface ThresholdConfig {
  metric: string;
  warning: number;
  critical: number;
  direction: 'above' | 'below';
  label: string;
}

/**
 * The studio's `storage` facade (`src/lib/storage/storage-facade.ts`), every method async.
 * Semantics, per method, are in the package README.
 */
export interface LegacyStorage {
  getConnections(): Promise<DatabaseConnection[]>;
  saveConnection(connection: DatabaseConnection): Promise<void>;
  deleteConnection(id: string): Promise<void>;
  getDismissedSeeds(): Promise<string[]>;
  getHistory(): Promise<QueryHistoryItem[]>;
  addToHistory(item: QueryHistoryItem): Promise<void>;
  clearHistory(): Promise<void>;
  getSavedQueries(): Promise<SavedQuery[]>;
  saveQuery(query: SavedQuery): Promise<void>;
  deleteSavedQuery(id: string): Promise<void>;
  getSchemaSnapshots(connectionId?: string): Promise<SchemaSnapshot[]>;
  saveSchemaSnapshot(snapshot: SchemaSnapshot): Promise<void>;
  deleteSchemaSnapshot(id: string): Promise<void>;
  getSavedCharts(): Promise<SavedChartConfig[]>;
  saveChart(chart: SavedChartConfig): Promise<void>;
  deleteChart(id: string): Promise<void>;
  getActiveConnectionId(): Promise<string | null>;
  setActiveConnectionId(id: string | null): Promise<void>;
  getAuditLog(): Promise<AuditEvent[]>;
  saveAuditLog(events: AuditEvent[]): Promise<void>;
  getMaskingConfig(): Promise<MaskingConfig>;
  saveMaskingConfig(config: MaskingConfig): Promise<void>;
  getThresholdConfig(): Promise<ThresholdConfig[]>;
  saveThresholdConfig(thresholds: ThresholdConfig[]): Promise<void>;
}
