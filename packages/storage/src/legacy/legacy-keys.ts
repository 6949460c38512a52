import { type KeyValueStore, storedKeys } from '../vault/index.ts';

/**
 * The keys libredb-studio kept in `localStorage`, in both of its generations (libredb-studio
 * `src/lib/storage.ts` up to v0.7.0, `src/lib/storage/local-storage.ts` and its callers after the
 * rename e05005b2 of 2026-03-03). The rename moved only the three collections and shipped with
 * no migration, so a browser can hold either generation or both; every other key kept its name.
 */

/** `orchids` wrote `orchids_db_*` (up to v0.7.0); `libredb` wrote `libredb_*` (since). */
export type LegacyGeneration = 'orchids' | 'libredb';

/** What a key holds, by the facade method that gives it back. */
export type LegacyCollection =
  | 'connections'
  | 'history'
  | 'savedQueries'
  | 'schemaSnapshots'
  | 'savedCharts'
  | 'auditLog'
  | 'maskingConfig'
  | 'thresholdConfig'
  | 'activeConnectionId'
  | 'dismissedSeeds'
  | 'workspaceTabs'
  | 'theme'
  | 'lineNumbers';

/** The three collections of the `orchids` generation (kept under this name for callers). */
export const LEGACY_KEYS = {
  connections: 'orchids_db_connections',
  history: 'orchids_db_history',
  savedQueries: 'orchids_db_saved',
} as const;

/** The same three collections as the `libredb` generation names them. */
export const LIBREDB_KEYS = {
  connections: 'libredb_connections',
  history: 'libredb_history',
  savedQueries: 'libredb_saved_queries',
} as const;

/** The keys the rename left alone, and those only `libredb` builds write. */
export const LEGACY_SETTING_KEYS = {
  schemaSnapshots: 'libredb_schema_snapshots',
  savedCharts: 'libredb_saved_charts',
  auditLog: 'libredb_audit_log',
  maskingConfig: 'libredb_masking_config',
  thresholdConfig: 'libredb_threshold_config',
  /** A raw string, not JSON. */
  activeConnectionId: 'libredb_active_connection_id',
  dismissedSeeds: 'libredb_dismissed_seeds',
  /** next-themes' raw value: `light`, `dark` or `system`. */
  theme: 'libredb-theme',
  /** `String(boolean)`. */
  lineNumbers: 'editor-line-numbers',
} as const;

/** `libredb_workspace_tabs_v1:<connection id>` (`:default` while none is active). */
export const WORKSPACE_TABS_PREFIX = 'libredb_workspace_tabs_v1:';

/**
 * Where an earlier version of this import kept the raw legacy values, in clear: it is sealed
 * into the vault's backup and removed on the next open.
 */
export const LEGACY_CLEARTEXT_BACKUP_KEY = 'orchids_db_backup_before_platform_storage';

/** Keys of the old studio that hold nothing to import; left in place, listed in the report. */
const KNOWN_IGNORED = [
  'libredb_star_prompt_query_count',
  'libredb_star_prompt_handled',
  'libredb_server_migrated',
];

export interface LegacyKey {
  key: string;
  collection: LegacyCollection;
  /** Which studio wrote it; `both` for the keys the rename left alone. */
  generation: LegacyGeneration | 'both';
  /** For open tabs: the connection whose tabs they are (`default` without one). */
  workspace?: string;
}

const FIXED: LegacyKey[] = [
  { key: LIBREDB_KEYS.connections, collection: 'connections', generation: 'libredb' },
  { key: LEGACY_KEYS.connections, collection: 'connections', generation: 'orchids' },
  { key: LIBREDB_KEYS.history, collection: 'history', generation: 'libredb' },
  { key: LEGACY_KEYS.history, collection: 'history', generation: 'orchids' },
  { key: LIBREDB_KEYS.savedQueries, collection: 'savedQueries', generation: 'libredb' },
  { key: LEGACY_KEYS.savedQueries, collection: 'savedQueries', generation: 'orchids' },
  { key: LEGACY_SETTING_KEYS.schemaSnapshots, collection: 'schemaSnapshots', generation: 'both' },
  { key: LEGACY_SETTING_KEYS.savedCharts, collection: 'savedCharts', generation: 'both' },
  { key: LEGACY_SETTING_KEYS.auditLog, collection: 'auditLog', generation: 'both' },
  { key: LEGACY_SETTING_KEYS.maskingConfig, collection: 'maskingConfig', generation: 'both' },
  { key: LEGACY_SETTING_KEYS.thresholdConfig, collection: 'thresholdConfig', generation: 'both' },
  {
    key: LEGACY_SETTING_KEYS.activeConnectionId,
    collection: 'activeConnectionId',
    generation: 'both',
  },
  { key: LEGACY_SETTING_KEYS.dismissedSeeds, collection: 'dismissedSeeds', generation: 'libredb' },
  { key: LEGACY_SETTING_KEYS.theme, collection: 'theme', generation: 'libredb' },
  { key: LEGACY_SETTING_KEYS.lineNumbers, collection: 'lineNumbers', generation: 'both' },
];
const FIXED_BY_KEY = new Map(FIXED.map((k) => [k.key, k]));

/** What the import makes of a key, or null when it imports nothing from it. */
export function legacyKey(key: string): LegacyKey | null {
  const fixed = FIXED_BY_KEY.get(key);
  if (fixed) return fixed;
  if (key.startsWith(WORKSPACE_TABS_PREFIX) && key.length > WORKSPACE_TABS_PREFIX.length) {
    return {
      key,
      collection: 'workspaceTabs',
      generation: 'libredb',
      workspace: key.slice(WORKSPACE_TABS_PREFIX.length),
    };
  }
  return null;
}

/** A key of the old studio (by its prefixes) that the import does not take. */
function isOtherLegacyKey(key: string): boolean {
  if (key === LEGACY_CLEARTEXT_BACKUP_KEY) return false;
  return (
    KNOWN_IGNORED.includes(key) ||
    key.startsWith('libredb_') ||
    key.startsWith('libredb-') ||
    key.startsWith('orchids_') ||
    key.startsWith('orchids-')
  );
}

export interface LegacyInventory {
  /** The keys to import, in the order they are reported. */
  present: LegacyKey[];
  /** Old-studio keys the import leaves where they are (star prompt, unknown `libredb_*`…). */
  leftInPlace: string[];
  /** False when the store cannot list its keys: then only the fixed key names were looked at. */
  listed: boolean;
}

/**
 * Which keys of the old studio the store holds. Open tabs are found by listing the store's
 * keys; a store that cannot list them is searched for the fixed names only.
 */
export function legacyInventory(storage: KeyValueStore): LegacyInventory {
  const keys = storedKeys(storage);
  const present: LegacyKey[] = [];
  const leftInPlace: string[] = [];
  if (keys === null) {
    for (const k of FIXED) if (storage.getItem(k.key) !== null) present.push(k);
    return { present, leftInPlace, listed: false };
  }
  const held = new Set(keys);
  for (const k of FIXED) if (held.has(k.key)) present.push(k);
  const tabs: LegacyKey[] = [];
  for (const key of keys) {
    if (FIXED_BY_KEY.has(key)) continue;
    const tab = legacyKey(key);
    if (tab) tabs.push(tab);
    else if (isOtherLegacyKey(key)) leftInPlace.push(key);
  }
  tabs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  leftInPlace.sort();
  return { present: [...present, ...tabs], leftInPlace, listed: true };
}

/** Whether there is anything of the old studio to import (or a clear-text backup to seal). */
export function hasLegacyData(storage: KeyValueStore): boolean {
  return (
    legacyInventory(storage).present.length > 0 ||
    storage.getItem(LEGACY_CLEARTEXT_BACKUP_KEY) !== null
  );
}
