/**
 * Generated `localStorage` of the real libredb-studio, shaped exactly as its code writes it, for
 * testing a storage's legacy import and its facade against data that looks like the field's.
 *
 * It follows libredb/libredb-studio (mirrored at /work/.mirror/libredb+libredb-studio): tags
 * v0.5.6, v0.6.13, v0.6.49 and v0.7.0 for the `orchids_db_*` generation, the rename commit
 * e05005b2 and HEAD c144361f for the `libredb_*` one; each module names the files it follows.
 * No code of the studio is used: the builders re-derive each shape from reading it.
 *
 * Pure TypeScript with no Node built-ins or dependencies, so it also bundles into a browser test page.
 */
export { type LegacyAuditEventOptions, legacyAuditEvent } from './audit.ts';
export { type LegacySavedChartOptions, legacySavedChart } from './charts.ts';
export {
  ENVIRONMENT_COLORS,
  editLegacyConnection,
  type LegacyConnectionEdit,
  type LegacyConnectionOptions,
  type LegacyDemoConnectionOptions,
  type LegacySeedConnectionOptions,
  legacyConnection,
  legacyDemoConnection,
  legacySeedConnection,
  type SeedKind,
  seedMongoUri,
} from './connections.ts';
export {
  type Damage,
  type DamagedLegacyEntry,
  type DamagedLegacyOptions,
  damagedLegacyEntries,
} from './damaged.ts';
export {
  type HistoryOutcome,
  type LegacyHistoryOptions,
  legacyHistoryItem,
  sampleStatement,
} from './history.ts';
export {
  type BothGenerations,
  type BothGenerationsOptions,
  bothGenerations,
  GENERATION_PERIODS,
  type LegacyCounts,
  type LegacyKeyInclusion,
  type LegacyLocalStorage,
  type LegacyLocalStorageOptions,
  legacyLocalStorage,
} from './local-storage.ts';
export {
  createLegacyRng,
  type LegacyRng,
  localId,
  mathRandomConnectionId,
  mathRandomShortId,
  type SecretLedger,
} from './random.ts';
export { type LegacySavedQueryOptions, legacySavedQuery, parseTagInput } from './saved-queries.ts';
export { SECRET_MARKER, type SecretKind, secretSearchForms } from './secrets.ts';
export {
  type LegacyMaskingOptions,
  type LegacyWorkspaceOptions,
  legacyMaskingConfig,
  legacyThresholdConfig,
  legacyWorkspaceTabs,
  studioDefaultMaskingConfig,
  studioDefaultThresholds,
  tabTypeFor,
} from './settings.ts';
export {
  type LegacySchemaSnapshotOptions,
  legacySchemaSnapshot,
  legacyTableSchemas,
} from './snapshots.ts';
export {
  ALL_STUDIO_TYPES,
  COLLECTION_KEYS,
  type ConnectionFormRevision,
  connectionFormAt,
  DATABASE_TYPES_TODAY,
  isRawStringKey,
  LIBREDB_ONLY_KEYS,
  RAW_STRING_KEYS,
  SHARED_KEYS,
  STUDIO_DATES,
  TYPE_OFFERED_SINCE,
  typeOfferedAt,
  WORKSPACE_TABS_PREFIX,
  workspaceTabsKey,
} from './timeline.ts';
export type * from './types.ts';
