import { connections, queryLogs, savedQueries } from '@platform/schema/browser';
import { inArray } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { connectionRow } from '../repositories/connections.ts';
import { historyRow } from '../repositories/history.ts';
import { savedQueryRow } from '../repositories/saved-queries.ts';
import {
  connectionInput,
  dateInput,
  historyItemInput,
  parse,
  savedQueryInput,
} from '../validation.ts';
import { takeConnectionSecrets } from '../vault/connection-secrets.ts';
import type { KeyValueStore } from '../vault/index.ts';
import type { ConnectionSecretsInput } from '../vault/vault.ts';

/** The keys the legacy studio wrote. */
export const LEGACY_KEYS = {
  connections: 'orchids_db_connections',
  history: 'orchids_db_history',
  savedQueries: 'orchids_db_saved',
} as const;
type LegacyKind = keyof typeof LEGACY_KEYS;

/** The raw legacy values, kept after a verified import so nothing is ever unrecoverable. */
export const LEGACY_BACKUP_KEY = 'orchids_db_backup_before_platform_storage';
/** The report of the import that ran, so the studio can show it again. */
export const LEGACY_REPORT_KEY = 'platform_legacy_import_report';

export interface SkippedItem {
  key: string;
  /** Position in the stored array; null when the whole key was unreadable. */
  index: number | null;
  id: string | null;
  reason: string;
}

export interface ImportReport {
  userId: string;
  finishedAt: string;
  imported: { connections: number; history: number; savedQueries: number; total: number };
  /** Items already present (an earlier run, or the same id twice). Not errors. */
  alreadyPresent: number;
  skipped: SkippedItem[];
  /** True when the legacy keys were verified in the database, backed up and removed. */
  legacyKeysRemoved: boolean;
}

const count = z.number().int().min(0);
const storedReport = z.object({
  userId: z.string(),
  finishedAt: z.string(),
  imported: z.object({
    connections: count,
    history: count,
    savedQueries: count,
    total: count,
  }),
  alreadyPresent: count,
  skipped: z.array(
    z.object({
      key: z.string(),
      index: z.number().int().nullable(),
      id: z.string().nullable(),
      reason: z.string(),
    }),
  ),
  legacyKeysRemoved: z.boolean(),
}) satisfies z.ZodType<ImportReport>;

/**
 * The report the last import left in `storage`, from this open or an earlier one; null when
 * there is none or it cannot be read (damaged, or written by another version): it is only a
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

/** Only what the vault must offer the import. */
interface SecretSink {
  setConnectionSecrets(
    userId: string,
    connectionId: string,
    secrets: ConnectionSecretsInput,
  ): Promise<void>;
  deleteConnectionSecrets(userId: string, connectionId: string): Promise<void>;
}

export interface ImportOptions {
  storage: KeyValueStore;
  db: PgliteDatabase;
  userId: string;
  vault: SecretSink;
}

const legacySaved = savedQueryInput.extend({ createdAt: dateInput, updatedAt: dateInput });
const legacyConnection = connectionInput.extend({ createdAt: dateInput });

function readArray(storage: KeyValueStore, kind: LegacyKind, skipped: SkippedItem[]): unknown[] {
  const key = LEGACY_KEYS[kind];
  const raw = storage.getItem(key);
  if (raw === null) return [];
  try {
    const value: unknown = JSON.parse(raw);
    if (Array.isArray(value)) return value;
    skipped.push({ key, index: null, id: null, reason: 'not a JSON array' });
  } catch (error) {
    skipped.push({
      key,
      index: null,
      id: null,
      reason: `invalid JSON (${(error as Error).message})`,
    });
  }
  return [];
}

function idOf(item: unknown): string | null {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}

/** Valid items with their positions; the rest reported as skipped, item by item. */
function validItems<S extends z.ZodType>(
  kind: LegacyKind,
  items: unknown[],
  schema: S,
  skipped: SkippedItem[],
): { index: number; value: z.output<S>; raw: unknown }[] {
  const seen = new Set<string>();
  const out: { index: number; value: z.output<S>; raw: unknown }[] = [];
  items.forEach((item, index) => {
    const key = LEGACY_KEYS[kind];
    try {
      const value = parse(schema, item, 'item') as z.output<S> & { id: string };
      if (seen.has(value.id)) {
        skipped.push({ key, index, id: value.id, reason: 'duplicate id (the first one was kept)' });
        return;
      }
      seen.add(value.id);
      out.push({ index, value, raw: item });
    } catch (error) {
      const reason = error instanceof ValidationError ? error.message : String(error);
      skipped.push({ key, index, id: idOf(item), reason });
    }
  });
  return out;
}

/**
 * Moves the legacy localStorage data into the current user's platform data, in one transaction.
 * Bad items are skipped and reported one by one; ids already present are left as they are, so a
 * second run imports nothing new. The legacy keys are removed only after every imported row has
 * been read back, and their raw text stays in a backup key.
 */
export async function importLegacyLocalStorage(
  options: ImportOptions,
): Promise<ImportReport | null> {
  const { storage, db, userId, vault } = options;
  const present = (Object.values(LEGACY_KEYS) as string[]).some((k) => storage.getItem(k) !== null);
  if (!present) return readLegacyImportReport(storage);

  const skipped: SkippedItem[] = [];
  const history = validItems(
    'history',
    readArray(storage, 'history', skipped),
    historyItemInput.extend({ executedAt: dateInput }),
    skipped,
  );
  const saved = validItems(
    'savedQueries',
    readArray(storage, 'savedQueries', skipped),
    legacySaved,
    skipped,
  );
  const conns = validItems(
    'connections',
    readArray(storage, 'connections', skipped),
    legacyConnection,
    skipped,
  );

  const secretsWritten: string[] = [];
  let imported = { connections: 0, history: 0, savedQueries: 0, total: 0 };
  let alreadyPresent = 0;
  try {
    await db.transaction(async (tx) => {
      const existing = async (
        table: typeof queryLogs | typeof savedQueries | typeof connections,
        ids: string[],
      ) =>
        ids.length === 0
          ? new Set<string>()
          : new Set(
              (await tx.select({ id: table.id }).from(table).where(inArray(table.id, ids))).map(
                (r) => r.id,
              ),
            );

      // Oldest first, so insertion order (the tie-breaker) matches the legacy list's order.
      const historyIds = await existing(
        queryLogs,
        history.map((h) => h.value.id),
      );
      const newHistory = history.filter((h) => !historyIds.has(h.value.id)).reverse();
      for (let i = 0; i < newHistory.length; i += 500) {
        await tx
          .insert(queryLogs)
          .values(newHistory.slice(i, i + 500).map(({ raw }) => historyRow(raw, userId)));
      }

      const savedIds = await existing(
        savedQueries,
        saved.map((s) => s.value.id),
      );
      const newSaved = saved.filter((s) => !savedIds.has(s.value.id));
      if (newSaved.length > 0) {
        await tx.insert(savedQueries).values(
          newSaved.map(({ raw }, position) => {
            const row = savedQueryRow(raw);
            return {
              ...row,
              userId,
              position: position + 1,
              createdAt: row.createdAt ?? new Date(),
              updatedAt: row.updatedAt ?? new Date(),
            };
          }),
        );
      }

      const connIds = await existing(
        connections,
        conns.map((c) => c.value.id),
      );
      const newConns = conns.filter((c) => !connIds.has(c.value.id));
      for (const [position, { raw }] of newConns.entries()) {
        const { record, secrets } = takeConnectionSecrets(raw as Record<string, unknown>);
        const id = String(record.id);
        if (Object.keys(secrets).length > 0) {
          await vault.setConnectionSecrets(userId, id, secrets);
          secretsWritten.push(id);
        }
        const row = connectionRow(record);
        await tx.insert(connections).values({
          id,
          userId,
          ...row,
          createdAt: row.createdAt ?? new Date(),
          position: position + 1,
        });
      }

      alreadyPresent = historyIds.size + savedIds.size + connIds.size;
      imported = {
        history: newHistory.length,
        savedQueries: newSaved.length,
        connections: newConns.length,
        total: newHistory.length + newSaved.length + newConns.length,
      };
    });
  } catch (error) {
    // The transaction rolled back: take the secrets back out too, and leave the legacy keys.
    for (const id of secretsWritten) await vault.deleteConnectionSecrets(userId, id);
    throw error;
  }

  // Verify: every valid legacy id must now be in the database before the originals go.
  const verify = async (
    table: typeof queryLogs | typeof savedQueries | typeof connections,
    ids: string[],
  ) =>
    ids.length === 0 ||
    (await db.select({ id: table.id }).from(table).where(inArray(table.id, ids))).length ===
      ids.length;
  const verified =
    (await verify(
      queryLogs,
      history.map((h) => h.value.id),
    )) &&
    (await verify(
      savedQueries,
      saved.map((s) => s.value.id),
    )) &&
    (await verify(
      connections,
      conns.map((c) => c.value.id),
    ));

  let legacyKeysRemoved = false;
  if (verified) {
    const backup: Record<string, string | null> = { savedAt: new Date().toISOString() };
    for (const key of Object.values(LEGACY_KEYS)) backup[key] = storage.getItem(key);
    try {
      storage.setItem(LEGACY_BACKUP_KEY, JSON.stringify(backup));
      for (const key of Object.values(LEGACY_KEYS)) storage.removeItem(key);
      legacyKeysRemoved = true;
    } catch {
      // No room for the backup: keep the originals rather than risk having neither.
    }
  }

  const report: ImportReport = {
    userId,
    finishedAt: new Date().toISOString(),
    imported,
    alreadyPresent,
    skipped,
    legacyKeysRemoved,
  };
  try {
    storage.setItem(LEGACY_REPORT_KEY, JSON.stringify(report));
  } catch {
    // The report is a convenience; the import itself is done.
  }
  return report;
}
