import { ValidationError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { dateOf, type JsonObject } from '../records/open-record.ts';
import { connectionRow } from '../repositories/connections.ts';
import { historyRow } from '../repositories/history.ts';
import { savedQueryRow } from '../repositories/saved-queries.ts';
import {
  assertJsonSize,
  connectionInput,
  historyItemInput,
  idInput,
  parse,
  savedQueryInput,
} from '../validation.ts';
import { type TakenSecrets, takeConnectionSecrets } from '../vault/connection-secrets.ts';
import type { LegacyCollection, LegacyKey } from './legacy-keys.ts';

/**
 * Reading one key of the old studio: its raw text, parsed as its own code wrote it, and every
 * item checked by the rules the live API applies to the same object (the row builders of the
 * repositories), plus what only damage produces: a date the studio never writes (not an ISO
 * string, or not a date), or a field its type requires missing. Nothing here writes.
 */

/** An item the import did not take, and why. */
export interface SkippedItem {
  key: string;
  /** Position in the stored array; null when the whole key was unreadable. */
  index: number | null;
  id: string | null;
  reason: string;
}

/** Where an item came from. */
export interface ItemSource {
  key: string;
  index: number;
}

export interface ConnectionItem extends ItemSource {
  id: string;
  /** The studio's object without its secrets. */
  record: JsonObject;
  secrets: TakenSecrets;
  row: ReturnType<typeof connectionRow>;
}

export interface SavedQueryItem extends ItemSource {
  id: string;
  row: ReturnType<typeof savedQueryRow> & { createdAt: Date; updatedAt: Date };
}

export interface HistoryItem extends ItemSource {
  id: string;
  row: ReturnType<typeof historyRow>;
}

/** A list item of `studio_documents` (a snapshot, a chart, an audit event). */
export interface DocumentItem extends ItemSource {
  id: string;
  doc: JsonObject;
}

/** One key, read: its raw text (kept for the backup), and what it held. */
export interface ReadKey<T> {
  source: LegacyKey;
  raw: string;
  /** How many items it held (1 for a setting); null when it could not be read at all. */
  items: number | null;
  valid: T[];
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Why JSON.parse refused the text, without quoting it: V8's message quotes the text around the
 * error, and a connections key cut off mid-value has passwords there.
 */
function jsonFailure(raw: string, error: unknown): string {
  if (raw.trim() === '') return 'invalid JSON (the value is empty)';
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return `invalid JSON (at character ${position})`;
  if (/end of (JSON )?input/i.test(message)) return 'invalid JSON (it ends before the value does)';
  return 'invalid JSON';
}

/** The parsed value, or undefined after reporting why the whole key is unreadable. */
function parseJson(raw: string, key: string, skipped: SkippedItem[]): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    skipped.push({ key, index: null, id: null, reason: jsonFailure(raw, error) });
    return undefined;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function reasonOf(error: unknown): string {
  if (error instanceof ValidationError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function idOf(item: unknown): string | null {
  const id = (item as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : null;
}

/** A date field as the studio stores one: the ISO string `JSON.stringify` made of a Date. */
function dateProblem(value: unknown, field: string, what: string): string | null {
  if (value === undefined) return `Invalid ${what}: ${field}: is missing`;
  if (typeof value !== 'string') {
    return `Invalid ${what}: ${field}: must be a date as the studio stores it (an ISO string), not ${describeValue(value)}`;
  }
  if (dateOf(value) === null) {
    return `Invalid ${what}: ${field}: must be a valid date between 1970 and 9999`;
  }
  return null;
}

/** The vault's limit on one secret (`vault.ts`). */
const MAX_SECRET = 65_536;

type Check<T> = (item: unknown, index: number) => T | string;

/**
 * An array key: every item checked, the failures reported one by one. With `uniqueIds`, a
 * second item with an id already seen in the array is skipped too: the studio's connections and
 * saved queries never repeat an id, and a table keyed by it cannot hold two.
 */
function readArray<T extends { id: string | null }>(
  source: LegacyKey,
  raw: string,
  check: Check<T>,
  skipped: SkippedItem[],
  uniqueIds = false,
): ReadKey<T> {
  const value = parseJson(raw, source.key, skipped);
  if (value === undefined) return { source, raw, items: null, valid: [] };
  if (!Array.isArray(value)) {
    skipped.push({
      key: source.key,
      index: null,
      id: null,
      reason: `not a JSON array (it is ${describeValue(value)})`,
    });
    return { source, raw, items: null, valid: [] };
  }
  const valid: T[] = [];
  const seen = new Set<string>();
  value.forEach((item, index) => {
    let result: T | string;
    try {
      result = isObject(item) ? check(item, index) : `not an object (it is ${describeValue(item)})`;
    } catch (error) {
      result = reasonOf(error);
    }
    if (typeof result === 'string') {
      skipped.push({ key: source.key, index, id: idOf(item), reason: result });
      return;
    }
    if (uniqueIds && result.id !== null) {
      if (seen.has(result.id)) {
        skipped.push({
          key: source.key,
          index,
          id: result.id,
          reason: 'duplicate id in this list (the first one was kept)',
        });
        return;
      }
      seen.add(result.id);
    }
    valid.push(result);
  });
  return { source, raw, items: value.length, valid };
}

export function readConnections(
  source: LegacyKey,
  raw: string,
  skipped: SkippedItem[],
): ReadKey<ConnectionItem> {
  return readArray<ConnectionItem>(
    source,
    raw,
    (item, index) => {
      const connection = item as JsonObject;
      parse(connectionInput, connection, 'connection');
      const date = dateProblem(connection.createdAt, 'createdAt', 'connection');
      if (date) return date;
      const { record, secrets } = takeConnectionSecrets(connection);
      for (const [name, secret] of Object.entries(secrets)) {
        if (secret.length > MAX_SECRET) {
          return `Invalid connection: ${name}: must be at most ${MAX_SECRET} characters`;
        }
      }
      const row = connectionRow(record);
      return { key: source.key, index, id: connection.id as string, record, secrets, row };
    },
    skipped,
    true,
  );
}

export function readSavedQueries(
  source: LegacyKey,
  raw: string,
  skipped: SkippedItem[],
): ReadKey<SavedQueryItem> {
  return readArray<SavedQueryItem>(
    source,
    raw,
    (item, index) => {
      const query = item as JsonObject;
      parse(savedQueryInput, query, 'saved query');
      // The studio's SavedQuery always has one: without it, the item was not written by it.
      if (typeof query.connectionType !== 'string' || query.connectionType === '') {
        return 'Invalid saved query: connectionType: is missing';
      }
      const date =
        dateProblem(query.createdAt, 'createdAt', 'saved query') ??
        dateProblem(query.updatedAt, 'updatedAt', 'saved query');
      if (date) return date;
      const row = savedQueryRow(query) as SavedQueryItem['row'];
      return { key: source.key, index, id: query.id as string, row };
    },
    skipped,
    true,
  );
}

export function readHistory(
  source: LegacyKey,
  raw: string,
  skipped: SkippedItem[],
  userId: string,
): ReadKey<HistoryItem> {
  return readArray<HistoryItem>(
    source,
    raw,
    (item, index) => {
      const entry = item as JsonObject;
      parse(historyItemInput, entry, 'history entry');
      const date = dateProblem(entry.executedAt, 'executedAt', 'history entry');
      if (date) return date;
      return { key: source.key, index, id: entry.id as string, row: historyRow(entry, userId) };
    },
    skipped,
  );
}

const WHAT: Partial<Record<LegacyCollection, string>> = {
  schemaSnapshots: 'schema snapshot',
  savedCharts: 'saved chart',
  auditLog: 'audit event',
};

/**
 * Snapshots, charts and audit events: objects with an id (the facade finds them by it), a
 * snapshot with its `createdAt`, a chart with one if any (orchids-era charts have none).
 */
export function readDocuments(
  source: LegacyKey,
  raw: string,
  skipped: SkippedItem[],
): ReadKey<DocumentItem> {
  const what = WHAT[source.collection] ?? 'item';
  return readArray<DocumentItem>(
    source,
    raw,
    (item, index) => {
      const doc = item as JsonObject;
      parse(idInput, doc.id, `${what} id`);
      if (source.collection === 'schemaSnapshots') {
        const date = dateProblem(doc.createdAt, 'createdAt', what);
        if (date) return date;
      }
      if (source.collection === 'savedCharts' && doc.createdAt !== undefined) {
        const date = dateProblem(doc.createdAt, 'createdAt', what);
        if (date) return date;
      }
      assertJsonSize(doc, LIMITS.documentBytes, what);
      return { key: source.key, index, id: doc.id as string, doc };
    },
    skipped,
  );
}

/** A setting: one document (or preference), or null after reporting why not. */
export interface SettingValue {
  source: LegacyKey;
  raw: string;
  /** The document as the facade stores it (a preference's value for theme and line numbers). */
  value: unknown;
}

function settingProblem(source: LegacyKey, raw: string): { value: unknown } | string {
  switch (source.collection) {
    case 'activeConnectionId': {
      // A raw string: `setItem(key, id)`.
      if (raw === '') return 'no connection id (the value is empty)';
      const id = idInput.safeParse(raw);
      return id.success ? { value: raw } : `not a connection id (${id.error.issues[0]?.message})`;
    }
    case 'theme':
      return raw === 'light' || raw === 'dark' || raw === 'system'
        ? { value: raw }
        : 'not a theme (light, dark or system)';
    case 'lineNumbers':
      return raw === 'true' || raw === 'false'
        ? { value: raw === 'true' }
        : 'not "true" or "false"';
    default:
      break;
  }
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch (error) {
    return jsonFailure(raw, error);
  }
  switch (source.collection) {
    case 'maskingConfig':
      if (!isObject(value)) return `not a masking config (it is ${describeValue(value)})`;
      if (!Array.isArray(value.patterns)) {
        return 'not a masking config: it has no list of patterns';
      }
      break;
    case 'thresholdConfig':
      if (!Array.isArray(value)) return `not a JSON array (it is ${describeValue(value)})`;
      if (!value.every(isObject)) return 'not a list of thresholds: an item is not an object';
      break;
    case 'workspaceTabs':
      if (!isObject(value)) return `not a set of open tabs (it is ${describeValue(value)})`;
      if (!Array.isArray(value.tabs) || !value.tabs.every(isObject)) {
        return 'not a set of open tabs: tabs is not a list of tabs';
      }
      if (typeof value.activeTabId !== 'string') {
        return 'not a set of open tabs: activeTabId is not a string';
      }
      break;
    default:
      return 'not a setting';
  }
  try {
    assertJsonSize(value, LIMITS.documentBytes, 'setting');
  } catch (error) {
    return reasonOf(error);
  }
  return { value };
}

export function readSetting(
  source: LegacyKey,
  raw: string,
  skipped: SkippedItem[],
): SettingValue | null {
  const result = settingProblem(source, raw);
  if (typeof result === 'string') {
    skipped.push({ key: source.key, index: null, id: null, reason: result });
    return null;
  }
  return { source, raw, value: result.value };
}

/** The dismissed seeds: a list of seed ids, each checked on its own. */
export function readSeedIds(
  source: LegacyKey,
  raw: string,
  skipped: SkippedItem[],
): ReadKey<{ id: string; key: string; index: number }> {
  const value = parseJson(raw, source.key, skipped);
  if (value === undefined) return { source, raw, items: null, valid: [] };
  if (!Array.isArray(value)) {
    skipped.push({
      key: source.key,
      index: null,
      id: null,
      reason: `not a JSON array (it is ${describeValue(value)})`,
    });
    return { source, raw, items: null, valid: [] };
  }
  const valid: { id: string; key: string; index: number }[] = [];
  value.forEach((item, index) => {
    if (typeof item === 'string' && idInput.safeParse(item).success) {
      valid.push({ id: item, key: source.key, index });
    } else {
      skipped.push({
        key: source.key,
        index,
        id: null,
        reason: `not a seed id (it is ${describeValue(item)})`,
      });
    }
  });
  return { source, raw, items: value.length, valid };
}
