import type { DatabaseType } from '@platform/schema/browser';

export type { DatabaseType };

/** The legacy studio's types, field for field (see shared/reference/legacy-storage.md). */
export interface DatabaseConnection {
  id: string;
  name: string;
  type: DatabaseType;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  connectionString?: string;
  createdAt: Date;
  isDemo?: boolean;
}

export interface QueryHistoryItem {
  id: string;
  connectionId: string;
  connectionName?: string;
  tabName?: string;
  query: string;
  /** Milliseconds. */
  executionTime: number;
  status: 'success' | 'error';
  executedAt: Date;
  rowCount?: number;
  errorMessage?: string;
}

export interface SavedQuery {
  id: string;
  name: string;
  query: string;
  description?: string;
  connectionType: DatabaseType;
  createdAt: Date;
  updatedAt: Date;
  tags?: string[];
}

/** The legacy `storage` module's methods, each now async. */
export interface LegacyStorage {
  getConnections(): Promise<DatabaseConnection[]>;
  saveConnection(connection: DatabaseConnection): Promise<void>;
  deleteConnection(id: string): Promise<void>;
  getHistory(): Promise<QueryHistoryItem[]>;
  addToHistory(item: QueryHistoryItem): Promise<void>;
  clearHistory(): Promise<void>;
  getSavedQueries(): Promise<SavedQuery[]>;
  saveQuery(query: SavedQuery): Promise<void>;
  deleteSavedQuery(id: string): Promise<void>;
}
