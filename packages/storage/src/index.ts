export type { ChangeEvent, ChangeListener } from './changes.ts';
export type {
  DatabaseHandle,
  SqlClient,
  SqlTransaction,
  StorageEstimate,
  StorageKind,
  StorageLocation,
} from './client/types.ts';
export {
  ConflictError,
  isStorageError,
  NotFoundError,
  PermissionError,
  QuotaExceededError,
  StorageError,
  type StorageErrorCode,
  StorageUnavailableError,
  ValidationError,
  type ValidationIssue,
} from './errors.ts';
export { platformExtensions } from './extensions.ts';
export {
  type ImportedCounts,
  type ImportReport,
  LEGACY_BACKUP_KEY,
  LEGACY_CLEARTEXT_BACKUP_KEY,
  LEGACY_KEYS,
  LEGACY_REPORT_KEY,
  LEGACY_SETTING_KEYS,
  type LegacyBackupInfo,
  type LegacyCollection,
  type LegacyGeneration,
  type LegacyKeyReport,
  type LegacyRestoreResult,
  LIBREDB_KEYS,
  type RenamedItem,
  type ReplacedItem,
  readLegacyImportReport,
  type SkippedItem,
  WORKSPACE_TABS_PREFIX,
} from './legacy/import.ts';
export type {
  DatabaseConnection,
  DatabaseType,
  LegacyStorage,
  QueryHistoryItem,
  SavedQuery,
} from './legacy/types.ts';
export { DEFAULT_HISTORY_RETENTION, LIMITS } from './limits.ts';
export {
  MigrationError,
  type MigrationErrorCode,
  type MigrationResult,
  migrate,
} from './migrator.ts';
export { type Action, type Actor, can } from './permissions.ts';
export type { ConnectionRecord } from './repositories/connections.ts';
export type { ChangedTable } from './repositories/context.ts';
export type {
  HistoryEntry,
  HistoryFilter,
  HistoryPageRequest,
  Page,
} from './repositories/history.ts';
export type { Preferences } from './repositories/preferences.ts';
export type { SavedQueryRecord, SavedQuerySearch } from './repositories/saved-queries.ts';
export type { SyncSettings } from './repositories/sync-config.ts';
export type { UserRecord } from './repositories/users.ts';
export {
  type CreateStorageOptions,
  createStorage,
  DEFAULT_ADMIN,
  type Lazy,
  type LazyRepositories,
  type PlatformStorage,
  type Repositories,
  type StorageStatus,
  type StorageUsage,
  type StorageWarning,
  type SyncBridge,
  storage,
} from './storage.ts';
export type { SyncAccount } from './sync-link.ts';
export {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportedConnection,
  type ExportedHistoryEntry,
  type ExportedProfile,
  type ExportedSavedQuery,
  type PlatformExport,
  parseExport,
} from './transfer/format.ts';
export {
  SKIP_REASONS,
  type TransferCounts,
  type TransferKind,
  type TransferReport,
  type TransferSkip,
} from './transfer/import.ts';
export type { HistoryRetention } from './validation.ts';
export {
  type CryptoKeyStore,
  IndexedDbCryptoKeyStore,
  type KeyValueStore,
  MemoryCryptoKeyStore,
  MemoryKeyValueStore,
  Vault,
  VaultError,
  type VaultErrorCode,
  type VaultStatus,
} from './vault/index.ts';
