import { ValidationError } from '../errors.ts';
import { MAX_AUDIT_EVENTS, MAX_SCHEMA_SNAPSHOTS } from '../limits.ts';
import type { ConnectionsRepository } from '../repositories/connections.ts';
import { type HistoryRepository, toLegacyHistoryItem } from '../repositories/history.ts';
import { type SavedQueriesRepository, toLegacySavedQuery } from '../repositories/saved-queries.ts';
import type { StudioDocumentsRepository } from '../repositories/studio-documents.ts';
import { idInput } from '../validation.ts';
import { defaultMaskingConfig, defaultThresholds, withMaskingDefaults } from './defaults.ts';
import type {
  AuditEvent,
  LegacyStorage,
  MaskingConfig,
  SavedChartConfig,
  SchemaSnapshot,
  ThresholdConfig,
} from './types.ts';

/** The open tabs of one connection, as the studio's tab manager keeps them. */
export interface WorkspaceTabs {
  activeTabId: string;
  tabs: { id: string; name: string; query: string; type: string; [field: string]: unknown }[];
  [field: string]: unknown;
}

/** The repositories the facade is made of, once storage is open. */
export interface FacadeRepositories {
  connections: ConnectionsRepository;
  history: HistoryRepository;
  savedQueries: SavedQueriesRepository;
  documents: StudioDocumentsRepository;
}

/** What the studio's facade adds beyond its storage module: its tab manager's saved tabs. */
export interface WorkspaceStorage {
  /** The tabs saved for a connection (`'default'` without one), or null. */
  getWorkspaceTabs(connectionId: string | null): Promise<WorkspaceTabs | null>;
  saveWorkspaceTabs(connectionId: string | null, state: WorkspaceTabs): Promise<void>;
}

/** The studio's `reviveDates`: a truthy value of a date field becomes a Date. */
function reviveDates<T>(items: unknown[], ...fields: string[]): T[] {
  return items.map((item) => {
    const revived = { ...(item as Record<string, unknown>) };
    for (const field of fields) {
      if (revived[field]) revived[field] = new Date(revived[field] as string);
    }
    return revived as T;
  });
}

/**
 * An id a delete can look for. The studio's deletes filter by id, so an id that cannot exist
 * (empty, not a string) removes nothing instead of failing.
 */
function findable(id: unknown): id is string {
  return idInput.safeParse(id).success;
}

const workspaceKey = (connectionId: string | null) => connectionId || 'default';

/**
 * The studio's `storage` facade (libredb-studio `src/lib/storage/storage-facade.ts`), each
 * method async, with the same names and semantics: see the package README, method by method.
 */
export function legacyFacade(
  open: () => Promise<FacadeRepositories>,
): LegacyStorage & WorkspaceStorage {
  return {
    async getConnections() {
      return (await open()).connections.list();
    },
    async saveConnection(connection) {
      await (await open()).connections.save(connection);
    },
    async deleteConnection(id) {
      const repos = await open();
      if (findable(id)) await repos.connections.delete(id);
    },
    async getDismissedSeeds() {
      const dismissed = await (await open()).documents.get('dismissed_seeds');
      return Array.isArray(dismissed) ? (dismissed as string[]) : [];
    },

    async getHistory() {
      return (await (await open()).history.recent()).map(toLegacyHistoryItem);
    },
    async addToHistory(item) {
      await (await open()).history.add(item);
    },
    async clearHistory() {
      await (await open()).history.clear();
    },

    async getSavedQueries() {
      return (await (await open()).savedQueries.list()).map(toLegacySavedQuery);
    },
    async saveQuery(query) {
      await (await open()).savedQueries.save(query);
    },
    async deleteSavedQuery(id) {
      const repos = await open();
      if (findable(id)) await repos.savedQueries.delete(id);
    },

    async getSchemaSnapshots(connectionId) {
      const snapshots = reviveDates<SchemaSnapshot>(
        await (await open()).documents.list('schema_snapshot'),
        'createdAt',
      );
      return connectionId ? snapshots.filter((s) => s.connectionId === connectionId) : snapshots;
    },
    async saveSchemaSnapshot(snapshot) {
      const repos = await open();
      await repos.documents.append(
        'schema_snapshot',
        { ...snapshot, createdAt: new Date() },
        MAX_SCHEMA_SNAPSHOTS,
      );
    },
    async deleteSchemaSnapshot(id) {
      const repos = await open();
      if (findable(id)) await repos.documents.remove('schema_snapshot', id);
    },

    async getSavedCharts() {
      return reviveDates<SavedChartConfig>(
        await (await open()).documents.list('saved_chart'),
        'createdAt',
      );
    },
    async saveChart(chart) {
      await (await open()).documents.upsert('saved_chart', chart, (c) => ({
        ...(c as SavedChartConfig),
        createdAt: new Date(),
      }));
    },
    async deleteChart(id) {
      const repos = await open();
      if (findable(id)) await repos.documents.remove('saved_chart', id);
    },

    async getActiveConnectionId() {
      const id = await (await open()).documents.get('active_connection_id');
      return typeof id === 'string' ? id : null;
    },
    async setActiveConnectionId(id) {
      // Stored as text, as localStorage stored it; a falsy id removes it.
      await (await open()).documents.set('active_connection_id', id ? String(id) : undefined);
    },

    async getAuditLog() {
      return (await (await open()).documents.list('audit_event')) as AuditEvent[];
    },
    async saveAuditLog(events) {
      if (!Array.isArray(events)) {
        throw new ValidationError('Invalid audit log: must be an array of events', []);
      }
      await (await open()).documents.replace('audit_event', events.slice(-MAX_AUDIT_EVENTS));
    },

    async getMaskingConfig() {
      const stored = await (await open()).documents.get('masking_config');
      return stored ? withMaskingDefaults(stored as MaskingConfig) : defaultMaskingConfig();
    },
    async saveMaskingConfig(config) {
      await (await open()).documents.set('masking_config', config);
    },

    async getThresholdConfig() {
      const stored = await (await open()).documents.get('threshold_config');
      return (stored as ThresholdConfig[] | undefined) ?? defaultThresholds();
    },
    async saveThresholdConfig(thresholds) {
      await (await open()).documents.set('threshold_config', thresholds);
    },

    async getWorkspaceTabs(connectionId) {
      const state = await (await open()).documents.get(
        'workspace_tabs',
        workspaceKey(connectionId),
      );
      return (state as WorkspaceTabs | undefined) ?? null;
    },
    async saveWorkspaceTabs(connectionId, state) {
      await (await open()).documents.set('workspace_tabs', state, workspaceKey(connectionId));
    },
  };
}
