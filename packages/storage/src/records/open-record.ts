/**
 * The studio's objects are open records: they carry the fields this storage knows, fields it
 * does not (a newer studio's, an engine's own), and values of unexpected types (`port: null`
 * where the studio's empty port field gave `NaN`). Each table gives the fields it searches or
 * shows a column; this splits an object into those columns and an `extra` document holding
 * everything else exactly, and joins them back, so a round trip returns what was given with
 * the same meaning `JSON.stringify`/`JSON.parse` gave it in the studio's localStorage.
 *
 * A field goes to its column only when the column can hold it exactly; otherwise (an explicit
 * `null`, a number out of range, a string that is not a date) it stays in `extra`, and a read
 * gives it back from there. So a key lives in one place, and absent stays absent.
 */

import { ValidationError } from '../errors.ts';
import { LIMITS, nestsWithin } from '../limits.ts';

export type FieldKind = 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'textList';

export interface FieldSpec {
  /** The studio's field name. */
  readonly key: string;
  /** The row property (Drizzle's name for the column) it is stored in. */
  readonly column: string;
  readonly kind: FieldKind;
  /** Inclusive bounds for numbers; a value outside stays in `extra`. */
  readonly min?: number;
  readonly max?: number;
}

export type JsonObject = Record<string, unknown>;

const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * `JSON.stringify` then `JSON.parse`: what the studio's localStorage made of an object. Refused
 * (a ValidationError) past `LIMITS.jsonDepth` levels, which `JSON.stringify` itself may not
 * survive and Postgres would not parse.
 */
export function asStoredJson(value: unknown): unknown {
  if (!nestsWithin(value)) {
    throw new ValidationError(`Invalid value: it nests deeper than ${LIMITS.jsonDepth} levels`, [
      { path: '', message: `must nest at most ${LIMITS.jsonDepth} levels` },
    ]);
  }
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** A date as the studio writes one (a Date, an ISO string, epoch ms), or null. */
export function dateOf(value: unknown): Date | null {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' || typeof value === 'number'
        ? new Date(value)
        : null;
  if (!date) return null;
  const time = date.getTime();
  return Number.isFinite(time) && time >= MIN_TIME && time <= MAX_TIME ? date : null;
}

function columnValue(spec: FieldSpec, value: unknown): unknown {
  switch (spec.kind) {
    case 'text':
      return typeof value === 'string' ? value : undefined;
    case 'integer':
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
      if (spec.kind === 'integer' && !Number.isSafeInteger(value)) return undefined;
      if (spec.min !== undefined && value < spec.min) return undefined;
      if (spec.max !== undefined && value > spec.max) return undefined;
      return value;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'date':
      // The studio revives only truthy values: a 0 or '' stays what it was.
      return value ? (dateOf(value) ?? undefined) : undefined;
    case 'textList':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  }
}

export interface SplitRecord {
  /** Row properties for the fields that fit their columns; the others are absent here. */
  columns: JsonObject;
  /** Everything else, or null when nothing is left. */
  extra: JsonObject | null;
}

/**
 * Splits a studio object (already as stored JSON: see `asStoredJson`, but Dates are taken as
 * they are) into columns and the rest.
 */
export function splitRecord(fields: readonly FieldSpec[], record: JsonObject): SplitRecord {
  const columns: JsonObject = {};
  const extra: JsonObject = {};
  const known = new Map(fields.map((f) => [f.key, f]));
  for (const [key, value] of Object.entries(record)) {
    const spec = known.get(key);
    const stored = spec ? columnValue(spec, value) : undefined;
    if (spec && stored !== undefined) columns[spec.column] = stored;
    else if (value !== undefined) extra[key] = value;
  }
  return { columns, extra: Object.keys(extra).length > 0 ? extra : null };
}

/**
 * The studio object back from a row: `extra` first, then each column that holds a value.
 * Date fields come back as Dates, those from `extra` too when truthy, as the studio's
 * `reviveDates` makes them (an unreadable date string becomes an Invalid Date there as here).
 */
export function joinRecord(
  fields: readonly FieldSpec[],
  row: JsonObject,
  extra: JsonObject | null | undefined,
): JsonObject {
  const record: JsonObject = { ...(extra ?? {}) };
  for (const spec of fields) {
    const value = row[spec.column];
    if (value !== null && value !== undefined) {
      record[spec.key] =
        spec.kind === 'date' && !(value instanceof Date) ? new Date(value as string) : value;
    } else if (spec.kind === 'date' && record[spec.key]) {
      record[spec.key] = new Date(record[spec.key] as string);
    }
  }
  return record;
}
