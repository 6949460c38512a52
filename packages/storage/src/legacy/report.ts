import { z } from 'zod';
import type { KeyValueStore } from '../vault/index.ts';
import type { SkippedItem } from './legacy-items.ts';
import type { LegacyCollection, LegacyGeneration } from './legacy-keys.ts';

/** The report of the import that ran, so the studio can show it again. */
export const LEGACY_REPORT_KEY = 'platform_legacy_import_report';

/** What each key gave, item by item: `imported + alreadyPresent + replacedByNewer + skipped`. */
export interface LegacyKeyReport {
  key: string;
  collection: LegacyCollection;
  /** Which studio wrote it; `both` for the keys the rename left alone. */
  generation: LegacyGeneration | 'both';
  /** Items it held (1 for a setting); null when it could not be read at all. */
  items: number | null;
  imported: number;
  /** Already here: an earlier import, or this profile has the same item (or its own setting). */
  alreadyPresent: number;
  /** Not taken: the newer generation has an item with the same id, and it was taken instead. */
  replacedByNewer: number;
  /** Of `imported`: history entries stored under another id, theirs being used by another run. */
  renamed: number;
  /** Items reported in `skipped` (a key unreadable as a whole counts 1). */
  skipped: number;
}

/** An item of the older generation not taken because the newer one has the same id. */
export interface ReplacedItem {
  id: string;
  key: string;
  index: number;
  /** The item taken instead. */
  keptFrom: { key: string; index: number };
}

/** A history entry kept under another id: its own was another run's. */
export interface RenamedItem {
  key: string;
  index: number;
  id: string;
  storedAs: string;
}

export interface ImportedCounts {
  connections: number;
  history: number;
  savedQueries: number;
  schemaSnapshots: number;
  savedCharts: number;
  auditEvents: number;
  /** Masking and threshold configs, active connection, dismissed seeds, open tabs, theme, line numbers. */
  settings: number;
  total: number;
}

export interface ImportReport {
  userId: string;
  finishedAt: string;
  /** The generations found: `orchids` (`orchids_db_*`), `libredb` (`libredb_*`). */
  generations: LegacyGeneration[];
  imported: ImportedCounts;
  /** Items already here (an earlier run, or the same item twice). Not errors. */
  alreadyPresent: number;
  /** Items the newer generation replaced, listed in `replaced`. */
  replacedByNewer: number;
  /** Every item not imported because it is damaged or does not fit, with why. */
  skipped: SkippedItem[];
  replaced: ReplacedItem[];
  renamed: RenamedItem[];
  /** Key by key. */
  keys: LegacyKeyReport[];
  /** The old studio's keys that hold nothing to import, left where they are. */
  leftInPlace: string[];
  /**
   * When the profile's history retention was raised so no imported entry is pruned: the
   * `maxEntries` before and after.
   */
  historyRetention: { before: number; after: number } | null;
  /** True when the legacy keys were verified in the database, backed up (sealed) and removed. */
  legacyKeysRemoved: boolean;
  /** Why they stayed, when they did. */
  keysKeptBecause: string | null;
}

const count = z.number().int().min(0);
const skippedItem = z.object({
  key: z.string(),
  index: z.number().int().nullable(),
  id: z.string().nullable(),
  reason: z.string(),
});
const generation = z.enum(['orchids', 'libredb']);
const collection = z.enum([
  'connections',
  'history',
  'savedQueries',
  'schemaSnapshots',
  'savedCharts',
  'auditLog',
  'maskingConfig',
  'thresholdConfig',
  'activeConnectionId',
  'dismissedSeeds',
  'workspaceTabs',
  'theme',
  'lineNumbers',
]);

/** Reads reports of every version: what an older one lacks takes its empty value. */
const storedReport = z.object({
  userId: z.string(),
  finishedAt: z.string(),
  generations: z.array(generation).default([]),
  imported: z.object({
    connections: count,
    history: count,
    savedQueries: count,
    schemaSnapshots: count.default(0),
    savedCharts: count.default(0),
    auditEvents: count.default(0),
    settings: count.default(0),
    total: count,
  }),
  alreadyPresent: count,
  replacedByNewer: count.default(0),
  skipped: z.array(skippedItem),
  replaced: z
    .array(
      z.object({
        id: z.string(),
        key: z.string(),
        index: count,
        keptFrom: z.object({ key: z.string(), index: count }),
      }),
    )
    .default([]),
  renamed: z
    .array(z.object({ key: z.string(), index: count, id: z.string(), storedAs: z.string() }))
    .default([]),
  keys: z
    .array(
      z.object({
        key: z.string(),
        collection,
        generation: z.enum(['orchids', 'libredb', 'both']),
        items: count.nullable(),
        imported: count,
        alreadyPresent: count,
        replacedByNewer: count,
        renamed: count,
        skipped: count,
      }),
    )
    .default([]),
  leftInPlace: z.array(z.string()).default([]),
  historyRetention: z.object({ before: count, after: count }).nullable().default(null),
  legacyKeysRemoved: z.boolean(),
  keysKeptBecause: z.string().nullable().default(null),
}) satisfies z.ZodType<ImportReport, unknown>;

/**
 * The report the last import left in `storage`, from this open or an earlier one; null when
 * there is none or it cannot be read (damaged, or written by a newer version): it is only a
 * record, and never worth failing for.
 */
export function readLegacyImportReport(storage: KeyValueStore): ImportReport | null {
  try {
    const raw = storage.getItem(LEGACY_REPORT_KEY);
    if (raw === null) return null;
    const report = storedReport.safeParse(JSON.parse(raw));
    return report.success ? report.data : null;
  } catch {
    return null;
  }
}

export function storeLegacyImportReport(storage: KeyValueStore, report: ImportReport): void {
  try {
    storage.setItem(LEGACY_REPORT_KEY, JSON.stringify(report));
  } catch {
    // The report is a convenience; the import itself is done.
  }
}
